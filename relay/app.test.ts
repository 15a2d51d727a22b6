import { beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../src/app-error';
import { SignJWT, type JWTPayload } from 'jose';
import { createApp, BODY_LIMIT_BYTES } from './app';
import { requireOperator, getCaller, type RelayEnv } from './auth';
import { loadConfig } from './config';
import { createJwksKeySource } from './jwks';
import { createLogger, createMemorySink } from './log';
import { createTokenVerifier } from './token';
import {
  AUTHORITY_HOST,
  createFakeTenant,
  createTenantKey,
  mintToken,
  operatorClaims,
  RELAY_CLIENT_ID,
  TENANT_ID,
  unsignedToken,
  type FakeTenant,
} from '../test/support/fake-tenant';

const PAGE_ORIGIN = 'https://keyward.contoso.example';

const config = loadConfig({
  TENANT_ID,
  RELAY_CLIENT_ID,
  AUTHORITY_HOST,
  ALLOWED_ORIGINS: `${PAGE_ORIGIN},http://localhost:5173`,
  SMTP_URL: 'smtp://relay:s3cret@127.0.0.1:2525',
  MAIL_FROM: 'Keyward <keyward@contoso.example>',
  ALLOWED_DOMAINS: 'contoso.example',
  GRAPH_CLIENT_SECRET: 'not-used-here',
});

let tenant: FakeTenant;
let logs: Record<string, unknown>[];
let app: Hono<RelayEnv>;

beforeEach(async () => {
  tenant = await createFakeTenant();
  const memory = createMemorySink();
  logs = memory.records;
  const verifier = createTokenVerifier({
    issuer: config.issuer,
    audience: config.relayClientId,
    tenantId: config.tenantId,
    requiredScope: config.requiredScope,
    // No cooldown, so a rotated key is picked up at once (jose waits 30 s by default).
    getKey: createJwksKeySource({ issuer: config.issuer, fetch: tenant.fetch, cooldownMs: 0 }),
    clockToleranceSec: 30,
  });
  app = createApp({ config, verifier, log: createLogger({ sink: memory.sink }), version: '9.9.9' });
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const whoami = (headers: Record<string, string> = {}) => app.request('/api/whoami', { headers });
const token = (overrides: JWTPayload = {}) => mintToken(tenant.key, { ...operatorClaims(), ...overrides });
type ErrorJson = { error: { code: string; message: string; retryable: boolean; requestId: string } };

describe('GET /api/whoami', () => {
  it('returns the caller, with roles and isOperator, for a valid relay token', async () => {
    const res = await whoami(bearer(await token()));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      oid: '0a1b2c3d-0000-4000-8000-00000000beef',
      tid: TENANT_ID,
      name: 'Olivia Operator',
      preferredUsername: 'olivia@contoso.example',
      scopes: ['User.Read', 'Mail.Send'],
      roles: ['Keyward.Operator'],
      isOperator: true,
    });
  });

  it('answers 200 with isOperator false (not ROLE_MISSING) when the role is absent', async () => {
    const res = await whoami(bearer(await token({ roles: ['Something.Else'] })));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ roles: ['Something.Else'], isOperator: false });
  });

  it('fetches discovery and keys once, then serves from the cache', async () => {
    for (let i = 0; i < 3; i++) expect((await whoami(bearer(await token()))).status).toBe(200);
    expect(tenant.requests).toHaveLength(2);
  });
});

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
      'a Graph token (app id)',
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

  it('accepts a token a little ahead of the clock within the tolerance', async () => {
    expect((await whoami(bearer(await token({ nbf: now + 10, iat: now + 10 })))).status).toBe(200);
  });

  it('answers 503 JWKS_UNAVAILABLE when discovery names another issuer, and recovers after', async () => {
    tenant.discoveryIssuer = 'https://evil.example/v2.0';
    const res = await whoami(bearer(await token()));
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'JWKS_UNAVAILABLE', retryable: true });
    tenant.discoveryIssuer = config.issuer;
    expect((await whoami(bearer(await token()))).status).toBe(200);
  });

  it('picks up a rotated key from the JWKS', async () => {
    expect((await whoami(bearer(await token()))).status).toBe(200);
    const next = await createTenantKey('key-2');
    tenant.published = [tenant.key, next];
    expect((await whoami(bearer(await mintToken(next, operatorClaims())))).status).toBe(200);
  });
});

describe('requireOperator', () => {
  const mountOperatorRoute = () => {
    const sub = new Hono<RelayEnv>().post(
      '/',
      requireOperator(
        createTokenVerifier({
          issuer: config.issuer,
          audience: config.relayClientId,
          tenantId: config.tenantId,
          requiredScope: config.requiredScope,
          getKey: createJwksKeySource({ issuer: config.issuer, fetch: tenant.fetch }),
        }),
        config.operatorRole,
      ),
      async (c) => c.json({ by: getCaller(c).oid, got: (await c.req.text()).length }),
    );
    app.route('/api/test', sub);
  };

  it('lets an operator through and refuses a non-operator with 403 ROLE_MISSING', async () => {
    mountOperatorRoute();
    const ok = await app.request('/api/test', { method: 'POST', headers: bearer(await token()), body: 'x' });
    expect(await ok.json()).toEqual({ by: '0a1b2c3d-0000-4000-8000-00000000beef', got: 1 });
    const res = await app.request('/api/test', {
      method: 'POST',
      headers: bearer(await token({ roles: [] })),
      body: 'x',
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorJson).error.code).toBe('ROLE_MISSING');
    expect(res.headers.get('WWW-Authenticate')).toContain('error="insufficient_scope"');
  });

  it(`refuses bodies over ${BODY_LIMIT_BYTES} bytes with 413 and accepts one at the limit`, async () => {
    mountOperatorRoute();
    const auth = bearer(await token());
    const big = await app.request('/api/test', {
      method: 'POST',
      headers: auth,
      body: 'a'.repeat(BODY_LIMIT_BYTES + 1),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorJson).error.code).toBe('BODY_TOO_LARGE');
    const fits = await app.request('/api/test', { method: 'POST', headers: auth, body: 'a'.repeat(BODY_LIMIT_BYTES) });
    expect(await fits.json()).toMatchObject({ got: BODY_LIMIT_BYTES });
  });
});

describe('cross-cutting behaviour', () => {
  it('serves /healthz without auth', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: '9.9.9' });
  });

  it('answers a preflight from an allowed origin with the allowed headers', async () => {
    const res = await app.request('/api/whoami', {
      method: 'OPTIONS',
      headers: {
        Origin: PAGE_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PAGE_ORIGIN);
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase().split(',')).toEqual([
      'authorization',
      'content-type',
      'idempotency-key',
    ]);
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
  });

  it('gives a disallowed origin no CORS grant, on preflight or on an actual request', async () => {
    const pre = await app.request('/api/whoami', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const get = await app.request('/healthz', { headers: { Origin: 'https://keyward.contoso.example.evil.example' } });
    expect(get.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('keeps CORS and security headers on error responses so the page can read them', async () => {
    const res = await whoami({ Origin: PAGE_ORIGIN });
    expect(res.status).toBe(401);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PAGE_ORIGIN);
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
  });

  it('honours a sane X-Request-Id and replaces an unsafe one', async () => {
    const kept = await app.request('/healthz', { headers: { 'X-Request-Id': 'abc-123_x' } });
    expect(kept.headers.get('X-Request-Id')).toBe('abc-123_x');
    const replaced = await app.request('/healthz', { headers: { 'X-Request-Id': 'bad id\u0001<script>' } });
    expect(replaced.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes and unexpected errors in the one JSON shape, without details', async () => {
    app.get('/boom', () => {
      throw new Error('SMTP password hunter2 leaked');
    });
    const missing = await app.request('/nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorJson).error.code).toBe('NOT_FOUND');
    const boom = await app.request('/boom');
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'INTERNAL', retryable: false } });
    expect(text + JSON.stringify(logs)).not.toContain('hunter2');
    expect(logs.find((l) => l.level === 'error')).toMatchObject({ msg: 'unhandled error', errorName: 'Error' });
  });

  it('maps HTTPException and route AppErrors (with fields.status) to the same shape', async () => {
    app.get('/slow', () => {
      throw new HTTPException(429, { message: 'Slow down.' });
    });
    app.get('/refused', () => {
      throw new AppError('relay', 'RECIPIENT_NOT_ALLOWED', 'Recipient domain is not allowed.', { status: 403 });
    });
    const slow = await app.request('/slow');
    expect([slow.status, ((await slow.json()) as ErrorJson).error]).toEqual([
      429,
      expect.objectContaining({ code: 'RATE_LIMITED', message: 'Slow down.', retryable: true }),
    ]);
    const refused = await app.request('/refused');
    expect([refused.status, ((await refused.json()) as ErrorJson).error.code]).toEqual([403, 'RECIPIENT_NOT_ALLOWED']);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('logs one line per request with caller oid and never the token, query or body', async () => {
    const jwt = await token();
    await app.request('/api/whoami?tap=SECRET-QUERY', { headers: bearer(jwt) });
    const lines = logs.filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/api/whoami',
      status: 200,
      callerOid: '0a1b2c3d-0000-4000-8000-00000000beef',
    });
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(lines[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const all = JSON.stringify(logs);
    expect(all).not.toContain(jwt.split('.')[2]);
    expect(all).not.toContain('SECRET-QUERY');
  });

  it('logs the refusal code of a refused request', async () => {
    await whoami(bearer(await token({ aud: 'https://graph.microsoft.com' })));
    expect(logs.find((l) => l.msg === 'request')).toMatchObject({
      status: 401,
      errorCode: 'TOKEN_GRAPH_AUDIENCE',
      callerOid: null,
    });
  });
});
