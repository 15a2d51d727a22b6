/**
 * The relay app's client credentials grant against the emulator over real https, and what the Graph
 * emulator lets an app-only token do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createLocalTls } from '../local-tls';
import { RELAY_SERVICE_PRINCIPAL_ID } from './app-only';
import {
  DEMO_RELAY_CLIENT_ID,
  DEMO_RELAY_CLIENT_SECRET,
  DEMO_SPA_CLIENT_ID,
  DEMO_TENANT_ID,
  type EntraEmulator,
} from './index';
import { httpsRequest } from './test-https';
import { startTestEntra } from '../../test/support/test-entra';

let emulator: EntraEmulator & { port: number };
let ca: string;
const BEN = '46876d75-c7ea-4ea4-863b-a6e9796b7d11';

beforeAll(async () => {
  const tls = await createLocalTls(1);
  ca = tls.caPem;
  emulator = await startTestEntra(tls);
});
afterAll(async () => emulator?.close());

async function tokenRequest(form: Record<string, string>) {
  const discovery = JSON.parse(
    (await httpsRequest(`${emulator.issuer}/.well-known/openid-configuration`, { ca })).text,
  ) as { token_endpoint: string };
  const res = await httpsRequest(discovery.token_endpoint, {
    ca,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, json: JSON.parse(res.text) as Record<string, unknown> };
}

const appToken = async () => {
  const { json } = await tokenRequest({
    grant_type: 'client_credentials',
    client_id: DEMO_RELAY_CLIENT_ID,
    client_secret: DEMO_RELAY_CLIENT_SECRET,
    scope: 'https://graph.microsoft.com/.default',
  });
  return json.access_token as string;
};

const graph = async (path: string, token: string, method = 'GET', body?: unknown) => {
  const res = await httpsRequest(`${emulator.graphBaseUrl}${path}`, {
    ca,
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: JSON.parse(res.text) as Record<string, unknown> & { error?: { code: string } } };
};

describe('client credentials for the relay app', () => {
  it("issues an app-only Graph token in Entra's shape", async () => {
    const { status, json } = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: DEMO_RELAY_CLIENT_ID,
      client_secret: DEMO_RELAY_CLIENT_SECRET,
      scope: 'https://graph.microsoft.com/.default',
    });
    expect([status, json.token_type]).toEqual([200, 'Bearer']);
    const claims = decodeJwt(json.access_token as string);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: emulator.issuer,
      ver: '2.0',
      tid: DEMO_TENANT_ID,
      idtyp: 'app',
      oid: RELAY_SERVICE_PRINCIPAL_ID,
      sub: RELAY_SERVICE_PRINCIPAL_ID,
      azp: DEMO_RELAY_CLIENT_ID,
      roles: ['User.Read.All', 'UserAuthMethod-TAP.ReadWrite.All'],
    });
    expect(claims).not.toHaveProperty('scp');
    expect(claims).not.toHaveProperty('scope');
    expect(claims).not.toHaveProperty('name');
  });

  it('refuses a wrong secret with invalid_client', async () => {
    const { status, json } = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: DEMO_RELAY_CLIENT_ID,
      client_secret: 'wrong',
      scope: 'https://graph.microsoft.com/.default',
    });
    expect([status, json.error]).toEqual([401, 'invalid_client']);
  });

  it('refuses the public SPA client', async () => {
    const { status } = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: DEMO_SPA_CLIENT_ID,
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(status).toBeGreaterThanOrEqual(400);
  });
});

describe('Graph with an app-only token', () => {
  it('reads any user in full, otherMails included', async () => {
    const { status, json } = await graph(
      `/v1.0/users/${BEN}?$select=id,mail,otherMails,accountEnabled,userType`,
      await appToken(),
    );
    expect(status).toBe(200);
    expect(json).toMatchObject({
      id: BEN,
      mail: 'ben.member@contoso.example',
      otherMails: ['ben.member@personal.example'],
      accountEnabled: true,
      userType: 'Member',
    });
  });

  it('answers 404 for an unknown user', async () => {
    const { status, json } = await graph('/v1.0/users/00000000-0000-4000-8000-000000000000', await appToken());
    expect([status, json.error?.code]).toEqual([404, 'Request_ResourceNotFound']);
  });

  it('refuses /me (delegated only) and the routes it does not emulate for apps', async () => {
    const token = await appToken();
    expect((await graph('/v1.0/me', token)).status).toBe(400);
    expect((await graph('/v1.0/users', token)).json.error?.code).toBe('Authorization_RequestDenied');
    expect((await graph(`/v1.0/users/${BEN}/authentication/temporaryAccessPassMethods`, token)).status).toBe(403);
  });
});

describe('app-only Temporary Access Pass creation (the relay TAP broker)', () => {
  const GARY = '274976ce-6ce1-4bfe-b6be-5916617b8539';
  const tapPath = (user: string) => `/v1.0/users/${user}/authentication/temporaryAccessPassMethods`;

  it('creates a pass with the same rules as delegated creation: one per user, policy lifetime bounds', async () => {
    const token = await appToken();
    const first = await graph(tapPath(BEN), token, 'POST', { lifetimeInMinutes: 60, isUsableOnce: true });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ lifetimeInMinutes: 60, isUsableOnce: true });
    expect(first.json.temporaryAccessPass).toBe(emulator.control.tapFor(BEN)?.temporaryAccessPass);
    // One pass per user: a second create replaces the first.
    const second = await graph(tapPath(BEN), token, 'POST', { lifetimeInMinutes: 120 });
    expect(second.status).toBe(201);
    expect(emulator.control.tapFor(BEN)?.id).toBe(second.json.id);
    expect(second.json.id).not.toBe(first.json.id);
    const tooLong = await graph(tapPath(BEN), token, 'POST', { lifetimeInMinutes: 5000 });
    expect([tooLong.status, tooLong.json.error?.code]).toEqual([400, 'badRequest']);
  });

  it('refuses a guest', async () => {
    const res = await graph(tapPath(GARY), await appToken(), 'POST', { lifetimeInMinutes: 60 });
    expect([res.status, res.json.error?.code]).toEqual([400, 'badRequest']);
    expect(emulator.control.tapFor(GARY)).toBeUndefined();
  });

  it('requires the application permission UserAuthMethod-TAP.ReadWrite.All in the app token', async () => {
    emulator.control.withholdAppConsent(['UserAuthMethod-TAP.ReadWrite.All']);
    try {
      const token = await appToken();
      expect(decodeJwt(token).roles).toEqual(['User.Read.All']);
      const res = await graph(tapPath(BEN), token, 'POST', { lifetimeInMinutes: 60 });
      expect([res.status, res.json.error?.code]).toEqual([403, 'accessDenied']);
    } finally {
      emulator.control.withholdAppConsent([]);
    }
  });
});
