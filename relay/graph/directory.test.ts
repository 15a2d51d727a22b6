/**
 * The relay's app-only Graph lookup against the Entra emulator over https: client credentials at the
 * discovered token endpoint, then `GET /v1.0/users/{id}`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayFailure } from '../../test/support/relay-app';
import {
  DEMO_RELAY_CLIENT_ID,
  DEMO_RELAY_CLIENT_SECRET,
  DEMO_TENANT_ID,
  type EntraEmulator,
} from '../../demo/entra-emulator/index';
import { freePort } from '../../test/support/free-port';
import { USERS } from '../../test/support/mail-world';
import { startTestEntra } from '../../test/support/test-entra';
import { createLocalTls } from '../../demo/local-tls';
import { createAppTokenSource, type AppTokenSource } from './app-token';
import { createGraphDirectory, parseRetryAfter } from './directory';
import { createCaTrustingFetch, type HttpFetch } from './http-fetch';
import { checkEligible } from '../mail/compose';
import { holderOf } from '../self-service/holder';

const { ben: BEN, gary: GARY, ivan: IVAN } = USERS;

let emulator: EntraEmulator & { port: number };
let trusting: ReturnType<typeof createCaTrustingFetch>;
let requests: string[];
const fetch: HttpFetch = (url, init) => {
  requests.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
  return trusting(url, init);
};

beforeAll(async () => {
  const tls = await createLocalTls(1);
  emulator = await startTestEntra(tls);
  trusting = createCaTrustingFetch(tls.caPem);
});
afterAll(async () => {
  trusting?.close();
  await emulator?.close();
});

const tokens = (secret = DEMO_RELAY_CLIENT_SECRET) =>
  createAppTokenSource({ issuer: emulator.issuer, clientId: DEMO_RELAY_CLIENT_ID, clientSecret: secret, fetch });
const directory = (t: AppTokenSource = tokens(), baseUrl = emulator.graphBaseUrl, now?: () => number) =>
  createGraphDirectory({ baseUrl, tokens: t, fetch, ...(now ? { now } : {}) });

describe('Graph directory (app-only)', () => {
  it('discovers the token endpoint, gets one token, and reads users with otherMails', async () => {
    requests = [];
    const dir = directory();
    expect(await dir.getUser(BEN)).toEqual({
      id: BEN,
      displayName: 'Ben Member',
      givenName: 'Ben',
      surname: 'Member',
      userPrincipalName: 'ben.member@contoso.example',
      mail: 'ben.member@contoso.example',
      otherMails: ['ben.member@personal.example'],
      accountEnabled: true,
      userType: 'Member',
    });
    expect(await dir.getUser(GARY)).toMatchObject({ userType: 'Guest', mail: 'gary.guest@fabrikam.example' });
    expect(await dir.getUser(IVAN)).toMatchObject({ accountEnabled: false });
    const tokenPath = `/${DEMO_TENANT_ID}/v2.0/token`;
    expect(requests.filter((r) => r.endsWith('openid-configuration'))).toHaveLength(1);
    expect(requests.filter((r) => r === `POST ${tokenPath}`)).toHaveLength(1);
    expect(requests.filter((r) => r.startsWith('GET /graph/v1.0/users/'))).toHaveLength(3);
  });

  it('treats a user Graph answers without userType as not a member, for mail and for self-service: only an explicit Member passes', async () => {
    // Graph on the wire, minus the one property: a `$select` Graph ignored, or a proxy that dropped it.
    const withoutUserType: HttpFetch = async (url, init) => {
      const response = await fetch(url, init);
      if (!new URL(url).pathname.includes('/users/')) return response;
      const { userType: _dropped, ...rest } = (await response.json()) as Record<string, unknown>;
      return Response.json(rest, { status: response.status });
    };
    const dir = createGraphDirectory({ baseUrl: emulator.graphBaseUrl, tokens: tokens(), fetch: withoutUserType });
    const ben = await dir.getUser(BEN);
    expect(ben.userType).toBe('');
    expect(() => checkEligible(ben)).toThrow(expect.objectContaining({ code: 'USER_IS_GUEST' }));
    expect(() => checkEligible({ ...ben, userType: 'Member' })).not.toThrow();
    const caller = { oid: BEN, tid: DEMO_TENANT_ID, name: 'Ben Member', preferredUsername: '', scopes: [], roles: [] };
    await expect(holderOf({ directory: dir }, caller)).rejects.toMatchObject({ code: 'SELF_SERVICE_GUEST' });
  });

  it('reuses a found user for 30 s, then asks Graph again', async () => {
    let t = 0;
    const dir = directory(tokens(), emulator.graphBaseUrl, () => t);
    requests = [];
    await dir.getUser(BEN);
    t = 29_999;
    await dir.getUser(BEN.toUpperCase());
    const lookups = () => requests.filter((r) => r.startsWith('GET /graph/v1.0/users/')).length;
    expect(lookups()).toBe(1);
    t = 30_000;
    await dir.getUser(BEN);
    expect(lookups()).toBe(2);
  });

  it('answers USER_NOT_FOUND (404) for an unknown object id', async () => {
    const e = await relayFailure(directory().getUser('00000000-0000-4000-8000-000000000000'));
    expect([e.code, e.fields.status, e.fields.retryable]).toEqual(['USER_NOT_FOUND', 404, false]);
  });

  it('refuses anything but a GUID before calling Graph', async () => {
    requests = [];
    const e = await relayFailure(directory().getUser('ben.member@contoso.example'));
    expect([e.code, requests]).toEqual(['INVALID_BODY', []]);
  });

  it('reports a wrong client secret as GRAPH_APP_AUTH_FAILED without quoting it', async () => {
    const e = await relayFailure(directory(tokens('not-the-secret')).getUser(BEN));
    expect([e.code, e.fields.status, e.fields.retryable, e.fields.oauthError]).toEqual([
      'GRAPH_APP_AUTH_FAILED',
      502,
      false,
      'invalid_client',
    ]);
    expect(e.message).not.toContain('not-the-secret');
  });

  it('reports Graph throttling as GRAPH_UNAVAILABLE with its Retry-After', async () => {
    const dir = directory();
    await dir.getUser(BEN); // token fetched; the next Graph call is the throttled one
    emulator.control.inject429(1, 9);
    const e = await relayFailure(dir.getUser(GARY));
    expect([e.code, e.fields.status, e.fields.retryable, e.fields.retryAfterSeconds]).toEqual([
      'GRAPH_UNAVAILABLE',
      503,
      true,
      9,
    ]);
  });

  it('reports an unreachable Graph as GRAPH_UNAVAILABLE', async () => {
    const e = await relayFailure(directory(tokens(), `https://127.0.0.1:${await freePort()}`).getUser(BEN));
    expect([e.code, e.fields.retryable]).toEqual(['GRAPH_UNAVAILABLE', true]);
  });

  it('gets a fresh token once when Graph answers 401', async () => {
    const real = tokens();
    let invalidated = 0;
    let first = true;
    const flaky: AppTokenSource = {
      token: async () => (first ? ((first = false), 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln') : real.token()),
      invalidate: () => void invalidated++,
    };
    expect((await directory(flaky).getUser(BEN)).id).toBe(BEN);
    expect(invalidated).toBe(1);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, bounded', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter('0')).toBe(1);
    expect(parseRetryAfter('999999')).toBe(3600);
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(30);
    expect([parseRetryAfter(null), parseRetryAfter('soon')]).toEqual([undefined, undefined]);
  });
});
