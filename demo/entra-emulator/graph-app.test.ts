/**
 * The Graph Hono app driven in-process with `app.request()` (no TLS): the seam index.ts mounts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createGraphApp } from './graph/app';
import { TapStore } from './graph/tap-store';
import { CreateFaults } from './graph/create-faults';
import { Throttle } from './graph/throttle';
import { WriteQuota } from './graph/write-quota';
import { mintAccessToken, type MintOptions } from './mint';
import { SigningKey } from './signing';
import { DEMO_RELAY_CLIENT_ID, DEMO_SPA_CLIENT_ID, DEMO_TENANT_ID, Tenant } from './tenant';

const issuer = `https://localhost:9/${DEMO_TENANT_ID}/v2.0`;
const ids = { issuer, tenantId: DEMO_TENANT_ID, spaClientId: DEMO_SPA_CLIENT_ID, relayClientId: DEMO_RELAY_CLIENT_ID };
const tenant = new Tenant(DEMO_TENANT_ID);
const throttle = new Throttle();
let key: SigningKey;
let app: ReturnType<typeof createGraphApp>;

beforeAll(async () => {
  key = await SigningKey.generate();
  app = createGraphApp({
    tenant,
    taps: new TapStore(() => tenant.tapPolicy),
    key,
    issuer,
    graphBaseUrl: 'https://localhost:9/graph',
    corsOrigins: ['http://localhost:8080'],
    throttle,
    quota: new WriteQuota(),
    faults: new CreateFaults(),
    log: () => {},
    now: () => new Date('2026-03-04T05:06:07.890Z'),
  });
});

async function call(path: string, token: Partial<MintOptions> & { as?: string } = {}, init: RequestInit = {}) {
  const userId = tenant.byDisplayName(token.as ?? 'Priya Privileged').id;
  const bearer = await mintAccessToken(ids, tenant, key, {
    userId,
    audience: token.audience ?? 'graph',
    scopes: token.scopes ?? ['User.Read'],
  });
  const res = await app.request(path, { ...init, headers: { authorization: `Bearer ${bearer}`, ...init.headers } });
  return {
    res,
    body: (await res.json()) as {
      userPrincipalName?: string;
      error: { code: string; innerError: Record<string, string> };
    },
  };
}

describe('Graph app via app.request()', () => {
  it('serves /v1.0/me to a Graph token', async () => {
    const { res, body } = await call('/v1.0/me');
    expect(res.status).toBe(200);
    expect(body.userPrincipalName).toBe('priya.privileged@contoso.example');
  });

  it('refuses a relay-audience token with 401 InvalidAuthenticationToken', async () => {
    const { res, body } = await call('/v1.0/me', { audience: 'relay', scopes: ['Mail.Send'] });
    expect(res.status).toBe(401);
    expect(body.error.code).toBe('InvalidAuthenticationToken');
  });

  it("stamps innerError with the clock in Graph's date format and echoes client-request-id", async () => {
    const { res, body } = await call(
      '/v1.0/users',
      { scopes: ['User.Read'] },
      { headers: { 'client-request-id': 'abc' } },
    );
    expect(res.status).toBe(403);
    expect(body.error.code).toBe('Authorization_RequestDenied');
    expect(body.error.innerError).toEqual({
      date: '2026-03-04T05:06:07',
      'request-id': res.headers.get('request-id'),
      'client-request-id': 'abc',
    });
  });

  it('throttles before authentication, so even an anonymous call sees 429', async () => {
    throttle.inject(1, 3);
    const res = await app.request('/v1.0/me');
    expect(res.status).toBe(429);
    expect(res.headers.get('Retry-After')).toBe('3');
    expect((await app.request('/v1.0/me')).status).toBe(401);
  });

  it("lets a page's retry through CORS: the Graph client's Retry-Attempt header is allowed", async () => {
    const preflight = await app.request('/v1.0/users/x/authentication/temporaryAccessPassMethods', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:8080',
        'Access-Control-Request-Method': 'DELETE',
        'Access-Control-Request-Headers': 'authorization,retry-attempt',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('retry-attempt');
    expect(preflight.headers.get('Access-Control-Allow-Methods')).toContain('DELETE');
  });
});
