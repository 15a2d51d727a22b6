import { describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, createLocalJWKSet, type JWK } from 'jose';
import { createTokenVerifier } from './token';
import { isAppError } from '../src/app-error';

const TENANT = '11111111-1111-4111-8111-111111111111';
const AUDIENCE = '22222222-2222-4222-8222-222222222222';
const SPA = '33333333-3333-4333-8333-333333333333';
const ISSUER = `https://login.example/${TENANT}/v2.0`;

describe('verified-token cache', () => {
  it("checks a token's signature once, and refuses it again once it has expired", async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const jwks = createLocalJWKSet({ keys: [jwk] });
    let keyLookups = 0;
    let clock = Date.now();
    const verifier = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      tenantId: TENANT,
      requiredScope: 'Mail.Send',
      clientIds: [SPA],
      clockToleranceSec: 0,
      now: () => new Date(clock),
      getKey: (header, token) => {
        keyLookups += 1;
        return jwks(header, token);
      },
    });
    const iat = Math.floor(clock / 1000);
    const token = await new SignJWT({ ver: '2.0', tid: TENANT, azp: SPA, oid: 'o-1', scp: 'Mail.Send', name: 'A' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(privateKey);

    for (let i = 0; i < 5; i++) expect((await verifier.verify(`Bearer ${token}`)).oid).toBe('o-1');
    expect(keyLookups).toBe(1);

    clock += 61_000;
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toSatisfy((e) => isAppError(e, 'relay', 'TOKEN_EXPIRED'));
    expect(keyLookups).toBe(2);
  });
});
