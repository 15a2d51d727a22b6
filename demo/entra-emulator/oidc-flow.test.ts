/**
 * The full authorization-code + PKCE flow over real https, as MSAL performs it: discovery → authorize →
 * sign-in page → pick an account → code → token → refresh for the other resource. Tokens are verified
 * against the published JWKS with jose.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RELAY_CLIENT_ID, DEMO_SPA_CLIENT_ID, type EntraEmulator } from './index';
import { createLocalTls } from '../local-tls';
import { AISHA_ID_CLAIMS, AISHA_RELAY_CLAIMS } from './test-claims';
import { corsPreflight, httpsRequest, type HttpsResponse } from './test-https';
import { OidcTestClient, pkce, spaAuthParams } from './test-oidc-client';
import { startTestEntra } from '../../test/support/test-entra';

const REDIRECT_URI = 'http://localhost:8080/auth-redirect.html';
const SPA_ORIGIN = 'http://localhost:8080';
const GRAPH = 'https://graph.microsoft.com';
const RELAY_SCOPE = `api://${DEMO_RELAY_CLIENT_ID}/Mail.Send`;
const GRAPH_LOGIN = `${GRAPH}/User.Read openid profile offline_access`;

let emulator: EntraEmulator;
let ca: string;
let discovery: Record<string, string>;
let keySet: ReturnType<typeof createLocalJWKSet>;
/** One browser for the whole file: later sign-ins switch the session's account, as a browser would. */
let client: OidcTestClient;

beforeAll(async () => {
  const local = await createLocalTls(1);
  ca = local.caPem;
  emulator = await startTestEntra(local, { spaRedirectUris: [REDIRECT_URI] });
  client = new OidcTestClient(ca, REDIRECT_URI);
  const res = await client.get(`${emulator.issuer}/.well-known/openid-configuration`);
  expect(res.status).toBe(200);
  discovery = JSON.parse(res.text) as Record<string, string>;
  keySet = createLocalJWKSet(JSON.parse((await client.get(String(discovery.jwks_uri))).text) as { keys: [] });
});

afterAll(async () => {
  await emulator?.close();
});

/** Runs authorize → sign-in page → account choice → redirect, returning the code, nonce and sign-in page. */
async function signIn(
  displayName: RegExp,
  challenge: string,
): Promise<{ code: string; nonce: string; page: HttpsResponse }> {
  const nonce = randomBytes(8).toString('hex');
  const params = spaAuthParams(REDIRECT_URI, GRAPH_LOGIN, challenge, { state: 'st4te', nonce, client_info: '1' });
  const { page, fragment } = await client.signIn(String(discovery.authorization_endpoint), params, displayName);
  expect(page.status).toBe(200);
  expect(fragment.get('state')).toBe('st4te');
  return { code: fragment.get('code') ?? '', nonce, page };
}

/** Redeems `code` at the token endpoint, as MSAL does (cross-origin, from the SPA's page). */
function redeem(
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = { origin: SPA_ORIGIN },
) {
  const form = { grant_type: 'authorization_code', client_id: DEMO_SPA_CLIENT_ID, code, redirect_uri: REDIRECT_URI };
  return client.token(String(discovery.token_endpoint), { ...form, code_verifier: verifier, ...extra }, headers);
}

/** Redeems a refresh token for `scope`, as MSAL's silent call does (cross-origin). */
function refresh(refreshToken: unknown, scope: string, headers: Record<string, string> = { origin: SPA_ORIGIN }) {
  const form = {
    grant_type: 'refresh_token',
    client_id: DEMO_SPA_CLIENT_ID,
    refresh_token: String(refreshToken),
    scope,
  };
  return client.token(String(discovery.token_endpoint), form, headers);
}

async function verify(token: unknown, audience: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(String(token), keySet, {
    issuer: emulator.issuer,
    audience,
    algorithms: ['RS256'],
  });
  return payload;
}

describe('OIDC code flow with PKCE', () => {
  it('publishes discovery under the issuer', () => {
    expect(discovery.issuer).toBe(`${emulator.issuer}`);
    expect(discovery.authorization_endpoint?.startsWith(`${emulator.issuer}/`)).toBe(true);
    expect(discovery.token_endpoint?.startsWith(`${emulator.issuer}/`)).toBe(true);
    expect(discovery.code_challenge_methods_supported).toContain('S256');
  });

  it('signs in Aisha, issues Entra-shaped tokens, and refreshes for the relay', async () => {
    const { verifier, challenge } = pkce();
    const { code, nonce, page } = await signIn(/Aisha Operator/, challenge);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).not.toMatch(/<script|style=/i);
    expect(page.text).toMatch(/Gary Guest/);
    expect(page.text).not.toMatch(/Ivan Petrov/);

    const tokenRes = await redeem(code, verifier, { scope: GRAPH_LOGIN }, { origin: SPA_ORIGIN });
    expect(tokenRes.status).toBe(200);
    expect(tokenRes.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const tokens = tokenRes.body;
    expect(typeof tokens.refresh_token).toBe('string');

    const aisha = emulator.tenant.byDisplayName('Aisha Operator');
    const id = await verify(tokens.id_token, DEMO_SPA_CLIENT_ID);
    expect(id).toMatchObject({
      ...AISHA_ID_CLAIMS,
      oid: aisha.id,
      sub: aisha.id,
      name: 'Aisha Operator',
      preferred_username: aisha.userPrincipalName,
      nonce,
    });

    const graphAt = await verify(tokens.access_token, GRAPH);
    expect(decodeProtectedHeader(String(tokens.access_token)).typ).toBe('JWT');
    expect(String(graphAt.scp).split(' ')).toEqual(
      expect.arrayContaining(['User.Read', 'UserAuthMethod-TAP.ReadWrite.All']),
    );
    expect(graphAt).toMatchObject({ ...AISHA_ID_CLAIMS, oid: aisha.id, azp: DEMO_SPA_CLIENT_ID });
    expect(graphAt.scope).toBeUndefined();
    expect(graphAt.roles).toBeUndefined();

    const refreshed = await refresh(tokens.refresh_token, `${RELAY_SCOPE} openid profile offline_access`, {
      origin: SPA_ORIGIN,
    });
    expect(refreshed.status).toBe(200);
    const relayAt = await verify(refreshed.body.access_token, DEMO_RELAY_CLIENT_ID);
    expect(relayAt).toMatchObject({
      ...AISHA_RELAY_CLAIMS,
      oid: aisha.id,
      name: 'Aisha Operator',
      preferred_username: aisha.userPrincipalName,
      azp: DEMO_SPA_CLIENT_ID,
    });
    expect(relayAt.wids).toBeUndefined();
    expect(typeof relayAt.nbf).toBe('number');

    // The rotated refresh token serves Graph again; like Entra, scp lists every consented permission.
    const back = await refresh(refreshed.body.refresh_token, GRAPH_LOGIN);
    expect(back.status).toBe(200);
    const graphAgain = await verify(back.body.access_token, GRAPH);
    expect(String(graphAgain.scp).split(' ')).toContain('User.Read.All');
  });

  it('issues a relay token without roles to a user with no app role', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await signIn(/Nina NoRole/, challenge);
    const tokenRes = await redeem(code, verifier, { scope: `${RELAY_SCOPE} openid profile offline_access` });
    expect(tokenRes.status).toBe(200);
    const relayAt = await verify(tokenRes.body.access_token, DEMO_RELAY_CLIENT_ID);
    expect(relayAt.scp).toBe('Mail.Send');
    expect(relayAt.roles).toBeUndefined();
    expect((await verify(tokenRes.body.id_token, DEMO_SPA_CLIENT_ID)).wids).toBeUndefined();
  });

  it('refuses a code exchange with the wrong PKCE verifier', async () => {
    const challenge = createHash('sha256').update('right-verifier-right-verifier-right-verifier').digest('base64url');
    const { code } = await signIn(/Ben Member/, challenge);
    const tokenRes = await redeem(code, 'wrong-verifier-wrong-verifier-wrong-verifier-x');
    expect(tokenRes.status).toBe(400);
    expect(tokenRes.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts prompt=select_account, answers a token preflight for the SPA origin, and returns access_denied on cancel', async () => {
    const params = spaAuthParams(REDIRECT_URI, 'openid profile offline_access', 'x'.repeat(43), {
      state: 's2',
      prompt: 'select_account',
    });
    const login = await client.authorize(String(discovery.authorization_endpoint), params);
    expect(login.page.text).toMatch(/Cancel sign-in/);
    const cancelled = await client.post(login.url, { action: 'cancel' });
    const fragment = await client.followToRedirectUri(new URL(String(cancelled.headers.location), login.url).href);
    expect(fragment.get('error')).toBe('access_denied');

    const preflight = await corsPreflight(String(discovery.token_endpoint), ca, SPA_ORIGIN, 'POST', 'content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
  });

  it('answers prompt=none without a session with login_required', async () => {
    const authorize = new URL(String(discovery.authorization_endpoint));
    const params = spaAuthParams(REDIRECT_URI, 'openid profile', 'y'.repeat(43), { state: 's3', prompt: 'none' });
    Object.entries(params).forEach(([k, v]) => authorize.searchParams.set(k, v));
    // No cookies: a browser with no session at the provider.
    const res = await httpsRequest(authorize.href, { ca });
    expect(res.status).toBe(303);
    const redirect = new URL(String(res.headers.location));
    expect(new URLSearchParams(redirect.hash.slice(1)).get('error')).toBe('login_required');
  });
});
