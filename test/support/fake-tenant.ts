/**
 * A fake Entra tenant for relay tests: an RSA signing key, its JWKS and discovery document served by an
 * injectable `fetch` (the network is the outside boundary), and a minter for Entra-v2-shaped access
 * tokens (DESIGN.md "Entra's token shape").
 */
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { JwksFetch } from '../../relay/jwks';

export const TENANT_ID = '7f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b';
export const RELAY_CLIENT_ID = '3c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f';
export const AUTHORITY_HOST = 'login.example.test:8443';
/** The Keyward page's client id in the fake tenant: tokens carry it as `azp` (the relay's demo default). */
export const SPA_CLIENT_ID = '0da58537-44b5-46fb-83f9-23649ede607e';
export const ISSUER = `https://${AUTHORITY_HOST}/${TENANT_ID}/v2.0`;
export const JWKS_URI = `https://${AUTHORITY_HOST}/${TENANT_ID}/discovery/v2.0/keys`;

/** A signing key with its `kid`. */
export interface TenantKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Generates an RS256 key pair whose public half can be published in a JWKS. */
export async function createTenantKey(kid: string): Promise<TenantKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A tenant whose published keys tests can change (rotation) and whose fetches they can count. */
export interface FakeTenant {
  key: TenantKey;
  published: TenantKey[];
  fetch: JwksFetch;
  requests: string[];
  /** Delay (ms) before each response, to hold requests in flight. */
  delayMs: number;
  discoveryIssuer: string;
}

// RSA key generation is slow; one shared signing key keeps the suites quick. Tests that need another
// key (forgery, rotation) make their own.
let sharedKey: Promise<TenantKey> | undefined;

/** Creates the tenant with one published key. */
export async function createFakeTenant(): Promise<FakeTenant> {
  const key = await (sharedKey ??= createTenantKey('key-1'));
  const tenant: FakeTenant = {
    key,
    published: [key],
    requests: [],
    delayMs: 0,
    discoveryIssuer: ISSUER,
    fetch: async (url) => {
      tenant.requests.push(url);
      if (tenant.delayMs > 0) await new Promise((r) => setTimeout(r, tenant.delayMs));
      if (url === `${ISSUER}/.well-known/openid-configuration`) {
        return Response.json({ issuer: tenant.discoveryIssuer, jwks_uri: JWKS_URI });
      }
      if (url === JWKS_URI) return Response.json({ keys: tenant.published.map((k) => k.publicJwk) });
      return new Response('not found', { status: 404 });
    },
  };
  return tenant;
}

/** Claims of a valid operator token for the relay; override any of them per test. */
export function operatorClaims(now = Math.floor(Date.now() / 1000)): JWTPayload {
  return {
    ver: '2.0',
    iss: ISSUER,
    aud: RELAY_CLIENT_ID,
    azp: SPA_CLIENT_ID,
    tid: TENANT_ID,
    oid: '0a1b2c3d-0000-4000-8000-00000000beef',
    name: 'Olivia Operator',
    preferred_username: 'olivia@contoso.example',
    scp: 'User.Read Mail.Send',
    roles: ['Keyward.Operator'],
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
  };
}

/** Signs claims with RS256 (or another key) the way Entra does: `kid` and `typ: JWT` in the header. */
export function mintToken(key: TenantKey, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid }).sign(key.privateKey);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsecured JWT (`alg: none`, RFC 7519 §6): header.payload. with an empty signature. */
export function unsignedToken(claims: JWTPayload): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}
