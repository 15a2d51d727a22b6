/**
 * The relay's refusals of bad bearer tokens, through `GET /api/whoami` with the real verifier and a fake
 * tenant's JWKS: each refusal's code, status and `WWW-Authenticate` challenge, and key rotation.
 */
import { describe, expect, it } from 'vitest';
import { SignJWT, type JWTPayload } from 'jose';
import {
  createTenantKey,
  mintToken,
  operatorClaims,
  SPA_CLIENT_ID,
  TENANT_ID,
  unsignedToken,
} from '../test/support/fake-tenant';
import { buildTestApp, testRelayConfig, useFreshApp, type ErrorJson } from '../test/support/relay-app';

const config = testRelayConfig();
const fresh = useFreshApp(config);

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const whoami = (headers: Record<string, string> = {}) => fresh.app.request('/api/whoami', { headers });
const token = (overrides: JWTPayload = {}) => fresh.token(overrides);

describe('token refusals', () => {
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Promise<Record<string, string>>, number, string]> = [
    ['no Authorization header', async () => ({}), 401, 'TOKEN_MISSING'],
    ['a Basic header', async () => ({ Authorization: 'Basic dXNlcjpwYXNz' }), 401, 'TOKEN_MALFORMED'],
    ['a bearer value that is not a JWT', async () => bearer('not-a-jwt'), 401, 'TOKEN_MALFORMED'],
    ['three segments of garbage', async () => bearer('abc.def.ghi'), 401, 'TOKEN_MALFORMED'],
    [
      'an expired token',
      async () => bearer(await token({ exp: now - 3600, nbf: now - 7200, iat: now - 7200 })),
      401,
      'TOKEN_EXPIRED',
    ],
    ['a token not valid yet', async () => bearer(await token({ nbf: now + 3600 })), 401, 'TOKEN_NOT_YET_VALID'],
    [
      'another audience',
      async () => bearer(await token({ aud: '11111111-2222-4333-8444-555555555555' })),
      401,
      'TOKEN_WRONG_AUDIENCE',
    ],
    [
      'a Graph token (resource URI)',
      async () => bearer(await token({ aud: 'https://graph.microsoft.com' })),
      401,
      'TOKEN_GRAPH_AUDIENCE',
    ],
    [
      'a Graph token (fresh.app id)',
      async () => bearer(await token({ aud: '00000003-0000-0000-c000-000000000000' })),
      401,
      'TOKEN_GRAPH_AUDIENCE',
    ],
    [
      'another issuer',
      async () => bearer(await token({ iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0` })),
      401,
      'TOKEN_WRONG_ISSUER',
    ],
    [
      'another tenant',
      async () => bearer(await token({ tid: '99999999-8888-4777-8666-555555555555' })),
      401,
      'TOKEN_WRONG_TENANT',
    ],
    ['a v1.0 token', async () => bearer(await token({ ver: '1.0' })), 401, 'TOKEN_WRONG_VERSION'],
    [
      'a token issued to another client app (azp)',
      async () => bearer(await token({ azp: '44444444-5555-4666-8777-888888888888' })),
      401,
      'TOKEN_WRONG_CLIENT',
    ],
    ['a v2.0 token without azp', async () => bearer(await token({ azp: undefined })), 401, 'TOKEN_WRONG_CLIENT'],
    [
      'a v2.0 token naming Keyward only in the v1.0 appid claim',
      async () => bearer(await token({ azp: undefined, appid: SPA_CLIENT_ID })),
      401,
      'TOKEN_WRONG_CLIENT',
    ],
    ['a token without scopes', async () => bearer(await token({ scp: 'User.Read' })), 403, 'SCOPE_MISSING'],
    ['an unsigned alg:none token', async () => bearer(unsignedToken(operatorClaims())), 401, 'TOKEN_BAD_ALG'],
    [
      'an HS256 token keyed with a guessable secret',
      async () =>
        bearer(
          await new SignJWT(operatorClaims())
            .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
            .sign(new TextEncoder().encode('secret')),
        ),
      401,
      'TOKEN_BAD_ALG',
    ],
    [
      'a token signed by another key with the published kid',
      async () => {
        const other = await createTenantKey('key-1');
        return bearer(await mintToken(other, operatorClaims()));
      },
      401,
      'TOKEN_BAD_SIGNATURE',
    ],
    [
      'a token signed by an unpublished key',
      async () => bearer(await mintToken(await createTenantKey('rogue'), operatorClaims())),
      401,
      'TOKEN_BAD_SIGNATURE',
    ],
  ];

  it.each(cases)('refuses %s', async (_what, headers, status, code) => {
    const res = await whoami(await headers());
    expect(res.status).toBe(status);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.code).toBe(code);
    expect(body.error.requestId).toBe(res.headers.get('X-Request-Id'));
    const challenge = res.headers.get('WWW-Authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="keyward-relay"/);
    if (code === 'TOKEN_MISSING') expect(challenge).not.toContain('error=');
    else expect(challenge).toContain(status === 403 ? 'error="insufficient_scope"' : 'error="invalid_token"');
  });

  it('says plainly that a Graph token was sent to the relay', async () => {
    const res = await whoami(bearer(await token({ aud: 'https://graph.microsoft.com' })));
    expect(((await res.json()) as ErrorJson).error.message).toMatch(/Graph token was sent to the relay/);
  });

  it('names the missing scope in the challenge', async () => {
    const res = await whoami(bearer(await token({ scp: 'User.Read' })));
    expect(res.headers.get('WWW-Authenticate')).toContain('scope="Mail.Send"');
  });

  it('marks an expired token retryable and a bad signature not', async () => {
    const expired = (await (await whoami(bearer(await token({ exp: now - 3600 })))).json()) as ErrorJson;
    const forged = (await (
      await whoami(bearer(await mintToken(await createTenantKey('key-1'), operatorClaims())))
    ).json()) as ErrorJson;
    expect([expired.error.retryable, forged.error.retryable]).toEqual([true, false]);
  });

  it('accepts the Keyward page in any letter case, and every client id configured', async () => {
    expect((await whoami(bearer(await token({ azp: SPA_CLIENT_ID.toUpperCase() })))).status).toBe(200);
    const second = '55555555-6666-4777-8888-999999999999';
    const { app } = buildTestApp({
      fetch: fresh.tenant.fetch,
      config: testRelayConfig({ SPA_CLIENT_IDS: `${SPA_CLIENT_ID}, ${second}` }),
      cooldownMs: 0,
    });
    for (const azp of [SPA_CLIENT_ID, second])
      expect((await app.request('/api/whoami', { headers: bearer(await token({ azp })) })).status).toBe(200);
  });

  it('accepts a token a little ahead of the clock within the tolerance', async () => {
    expect((await whoami(bearer(await token({ nbf: now + 10, iat: now + 10 })))).status).toBe(200);
  });

  it('answers 503 JWKS_UNAVAILABLE when discovery names another issuer, and recovers after', async () => {
    fresh.tenant.discoveryIssuer = 'https://evil.example/v2.0';
    const res = await whoami(bearer(await token()));
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'JWKS_UNAVAILABLE', retryable: true });
    fresh.tenant.discoveryIssuer = config.issuer;
    expect((await whoami(bearer(await token()))).status).toBe(200);
  });

  it('picks up a rotated key from the JWKS', async () => {
    expect((await whoami(bearer(await token()))).status).toBe(200);
    const next = await createTenantKey('key-2');
    fresh.tenant.published = [fresh.tenant.key, next];
    expect((await whoami(bearer(await mintToken(next, operatorClaims())))).status).toBe(200);
  });
});
