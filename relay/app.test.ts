import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { JWTPayload } from 'jose';
import { AppError } from '../src/app-error';
import { BODY_LIMIT_BYTES } from './app';
import { requireOperator, getCaller, type RelayEnv } from './auth';
import { loadConfig } from './config';
import { createConfiguredVerifier } from './token';
import { AUTHORITY_HOST, RELAY_CLIENT_ID, SPA_CLIENT_ID, TENANT_ID } from '../test/support/fake-tenant';
import { useFreshApp, type ErrorJson } from '../test/support/relay-app';

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
  SPA_CLIENT_IDS: SPA_CLIENT_ID,
});

const fresh = useFreshApp(config);

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const whoami = (headers: Record<string, string> = {}) => fresh.app.request('/api/whoami', { headers });
const token = (overrides: JWTPayload = {}) => fresh.token(overrides);

describe('GET /api/whoami', () => {
  it('returns the caller, with roles and what they allow, for a valid relay token', async () => {
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
      isAdministrator: false,
      isAuditor: false,
    });
  });

  it('names each Keyward role the caller holds', async () => {
    const roles = ['Keyward.Administrator', 'Keyward.Auditor'];
    const res = await whoami(bearer(await token({ roles })));
    expect(await res.json()).toMatchObject({ roles, isOperator: false, isAdministrator: true, isAuditor: true });
  });

  it('answers 200 with isOperator false (not ROLE_MISSING) when the role is absent', async () => {
    const res = await whoami(bearer(await token({ roles: ['Something.Else'] })));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      roles: ['Something.Else'],
      isOperator: false,
      isAdministrator: false,
      isAuditor: false,
    });
  });

  it('fetches discovery and keys once, then serves from the cache', async () => {
    for (let i = 0; i < 3; i++) expect((await whoami(bearer(await token()))).status).toBe(200);
    expect(fresh.tenant.requests).toHaveLength(2);
  });
});

describe('requireOperator', () => {
  const mountOperatorRoute = () => {
    const sub = new Hono<RelayEnv>().post(
      '/',
      requireOperator(createConfiguredVerifier(config, { fetch: fresh.tenant.fetch }), config.operatorRole),
      async (c) => c.json({ by: getCaller(c).oid, got: (await c.req.text()).length }),
    );
    fresh.app.route('/api/test', sub);
  };

  it('lets an operator through and refuses a non-operator with 403 ROLE_MISSING', async () => {
    mountOperatorRoute();
    const ok = await fresh.app.request('/api/test', { method: 'POST', headers: bearer(await token()), body: 'x' });
    expect(await ok.json()).toEqual({ by: '0a1b2c3d-0000-4000-8000-00000000beef', got: 1 });
    const res = await fresh.app.request('/api/test', {
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
    const big = await fresh.app.request('/api/test', {
      method: 'POST',
      headers: auth,
      body: 'a'.repeat(BODY_LIMIT_BYTES + 1),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorJson).error.code).toBe('BODY_TOO_LARGE');
    const fits = await fresh.app.request('/api/test', {
      method: 'POST',
      headers: auth,
      body: 'a'.repeat(BODY_LIMIT_BYTES),
    });
    expect(await fits.json()).toMatchObject({ got: BODY_LIMIT_BYTES });
  });
});

describe('cross-cutting behaviour', () => {
  it('serves /healthz without auth', async () => {
    const res = await fresh.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: '9.9.9' });
  });

  it('answers a preflight from an allowed origin with the allowed headers', async () => {
    const res = await fresh.app.request('/api/whoami', {
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
    const pre = await fresh.app.request('/api/whoami', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const get = await fresh.app.request('/healthz', {
      headers: { Origin: 'https://keyward.contoso.example.evil.example' },
    });
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
    const kept = await fresh.app.request('/healthz', { headers: { 'X-Request-Id': 'abc-123_x' } });
    expect(kept.headers.get('X-Request-Id')).toBe('abc-123_x');
    const replaced = await fresh.app.request('/healthz', { headers: { 'X-Request-Id': 'bad id\u0001<script>' } });
    expect(replaced.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes and unexpected errors in the one JSON shape, without details', async () => {
    fresh.app.get('/boom', () => {
      throw new Error('SMTP password hunter2 leaked');
    });
    const missing = await fresh.app.request('/nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorJson).error.code).toBe('NOT_FOUND');
    const boom = await fresh.app.request('/boom');
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'INTERNAL', retryable: false } });
    expect(text + JSON.stringify(fresh.logs)).not.toContain('hunter2');
    expect(fresh.logs.find((l) => l.level === 'error')).toMatchObject({ msg: 'unhandled error', errorName: 'Error' });
  });

  it('maps HTTPException and route AppErrors (with fields.status) to the same shape', async () => {
    fresh.app.get('/slow', () => {
      throw new HTTPException(429, { message: 'Slow down.' });
    });
    fresh.app.get('/refused', () => {
      throw new AppError('relay', 'RECIPIENT_NOT_ALLOWED', 'Recipient domain is not allowed.', { status: 403 });
    });
    const slow = await fresh.app.request('/slow');
    expect([slow.status, ((await slow.json()) as ErrorJson).error]).toEqual([
      429,
      expect.objectContaining({ code: 'RATE_LIMITED', message: 'Slow down.', retryable: true }),
    ]);
    const refused = await fresh.app.request('/refused');
    expect([refused.status, ((await refused.json()) as ErrorJson).error.code]).toEqual([403, 'RECIPIENT_NOT_ALLOWED']);
    expect(fresh.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('logs one line per request with caller oid and never the token, query or body', async () => {
    const jwt = await token();
    await fresh.app.request('/api/whoami?tap=SECRET-QUERY', { headers: bearer(jwt) });
    const lines = fresh.logs.filter((l) => l.msg === 'request');
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
    const all = JSON.stringify(fresh.logs);
    expect(all).not.toContain(jwt.split('.')[2]);
    expect(all).not.toContain('SECRET-QUERY');
  });

  it('logs the refusal code of a refused request', async () => {
    await whoami(bearer(await token({ aud: 'https://graph.microsoft.com' })));
    expect(fresh.logs.find((l) => l.msg === 'request')).toMatchObject({
      status: 401,
      errorCode: 'TOKEN_GRAPH_AUDIENCE',
      callerOid: null,
    });
  });
});
