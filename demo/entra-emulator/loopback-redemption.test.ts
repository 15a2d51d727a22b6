/**
 * The token endpoint's platform rules over real https: a loopback redirect URI on any port, registered
 * under "Mobile and desktop applications" (public client) or as a single-page application, and what
 * each allows at redemption (Origin header or not), refresh tokens included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SPA_CLIENT_ID, type EntraEmulator } from './index';
import { createLocalTls } from '../local-tls';
import { httpsRequest } from './test-https';
import { OidcTestClient, pkce, spaAuthParams } from './test-oidc-client';
import { startTestEntra } from '../../test/support/test-entra';

const IWA_ORIGIN = 'isolated-app://f6gmkrva6n2sn5z4k2u7kayzdgszkkvuksbsyl2csasxxuwb2lcqaaac';
const SCOPE = 'https://graph.microsoft.com/User.Read openid profile offline_access';
const WEB_REDIRECT = 'https://keyward.example.com/signin-oidc';

let emulator: EntraEmulator;
let ca: string;
let discovery: Record<string, string>;

beforeAll(async () => {
  const local = await createLocalTls(1);
  ca = local.caPem;
  emulator = await startTestEntra(local, {
    spaRedirectUris: ['http://localhost:8080/auth-redirect.html', 'http://127.0.0.1/'],
    publicClientRedirectUris: ['http://localhost'],
    webRedirectUris: [WEB_REDIRECT],
  });
  const res = await httpsRequest(`${emulator.issuer}/.well-known/openid-configuration`, { ca });
  discovery = JSON.parse(res.text) as Record<string, string>;
});

afterAll(async () => {
  await emulator?.close();
});

/** Signs Aisha in with `redirectUri` (query response, as a loopback listener needs); returns code and verifier. */
async function codeFor(redirectUri: string): Promise<{ code: string; verifier: string }> {
  const client = new OidcTestClient(ca, redirectUri);
  const { verifier, challenge } = pkce();
  const params = spaAuthParams(redirectUri, SCOPE, challenge, { state: 's', response_mode: 'query' });
  const { query } = await client
    .signIn(discovery.authorization_endpoint!, params, /Aisha Operator/)
    .then((r) => ({ query: r.fragment }));
  expect(query.get('state')).toBe('s');
  return { code: query.get('code') ?? '', verifier };
}

async function tokenRequest(form: Record<string, string>, origin?: string) {
  const res = await httpsRequest(discovery.token_endpoint!, {
    ca,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
    body: new URLSearchParams({ client_id: DEMO_SPA_CLIENT_ID, ...form }).toString(),
  });
  return { status: res.status, headers: res.headers, body: JSON.parse(res.text) as Record<string, unknown> };
}

function redeem(redirectUri: string, c: { code: string; verifier: string }, origin?: string) {
  const form = { grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, redirect_uri: redirectUri };
  return tokenRequest({ ...form, scope: SCOPE }, origin);
}

describe('a loopback redirect URI registered under mobile and desktop applications', () => {
  const redirect = 'http://localhost:53117/';

  it('accepts any port at authorize and redeems without an Origin header, refresh included', async () => {
    const tokens = await redeem(redirect, await codeFor(redirect));
    expect(tokens.status).toBe(200);
    expect(typeof tokens.body.access_token).toBe('string');
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: String(tokens.body.refresh_token),
      scope: SCOPE,
    });
    expect(refreshed.status).toBe(200);
  });

  it('refuses a cross-origin redemption of the code and of its refresh token with AADSTS9002326', async () => {
    const refused = await redeem(redirect, await codeFor(redirect), IWA_ORIGIN);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', error_codes: [9002326] });
    expect(String(refused.body.error_description)).toContain(`Request origin: '${IWA_ORIGIN}'`);
    expect(refused.headers['access-control-allow-origin']).toBe(IWA_ORIGIN);

    const tokens = await redeem('http://localhost:40001/', await codeFor('http://localhost:40001/'));
    const refresh = { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token), scope: SCOPE };
    const refusedRefresh = await tokenRequest(refresh, IWA_ORIGIN);
    expect(refusedRefresh.body).toMatchObject({ error_codes: [9002326] });
  });

  it('does not accept the IPv6 loopback or another path', async () => {
    for (const uri of ['http://[::1]:53117/', 'http://localhost:53117/elsewhere']) {
      const client = new OidcTestClient(ca, uri);
      const url = new URL(discovery.authorization_endpoint!);
      const params = spaAuthParams(uri, SCOPE, pkce().challenge, { response_mode: 'query' });
      Object.entries(params).forEach(([k, v]) => url.searchParams.set(k, v));
      const res = await client.get(url.href);
      expect(res.status).toBe(400);
      expect(res.text).toContain('redirect_uri');
    }
  });
});

describe('a loopback redirect URI registered as a single-page application', () => {
  const redirect = 'http://127.0.0.1:47211/';

  it('redeems cross-origin from the Isolated Web App origin, with a CORS grant for it', async () => {
    const tokens = await redeem(redirect, await codeFor(redirect), IWA_ORIGIN);
    expect(tokens.status).toBe(200);
    expect(tokens.headers['access-control-allow-origin']).toBe(IWA_ORIGIN);
    const refreshed = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token), scope: SCOPE },
      IWA_ORIGIN,
    );
    expect(refreshed.status).toBe(200);
  });

  it('refuses a redemption without an Origin header with AADSTS9002327', async () => {
    const refused = await redeem(redirect, await codeFor(redirect));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', error_codes: [9002327] });
  });
});

describe('a web redirect URI', () => {
  it('needs a client secret without public client flows (AADSTS7000218)', async () => {
    const refused = await redeem(WEB_REDIRECT, await codeFor(WEB_REDIRECT));
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
  });
});
