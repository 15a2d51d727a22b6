/**
 * Withheld admin consent (consent.ts) over real https: the "Need admin approval" page and its way back
 * to the app, refresh-token refusals in Entra's shape, tokens without the withheld permission, and
 * full consent again once it is restored.
 */
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SPA_CLIENT_ID, type EntraEmulator } from './index';
import { createLocalTls } from '../local-tls';
import { httpsRequest } from './test-https';
import { startTestEntra } from '../../test/support/test-entra';
import { OidcTestClient, pageForms, pkce, spaAuthParams } from './test-oidc-client';

const REDIRECT_URI = 'http://localhost:8080/auth-redirect.html';
const GRAPH = 'https://graph.microsoft.com';
const TAP = 'UserAuthMethod-TAP.ReadWrite.All';
const LOGIN_SCOPES = 'openid profile offline_access';

let emulator: EntraEmulator;
let ca: string;
let endpoints: { authorization_endpoint: string; token_endpoint: string; jwks_uri: string };
let keySet: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  const local = await createLocalTls(1);
  ca = local.caPem;
  emulator = await startTestEntra(local, { spaRedirectUris: [REDIRECT_URI] });
  const discovery = await httpsRequest(`${emulator.issuer}/.well-known/openid-configuration`, { ca });
  endpoints = JSON.parse(discovery.text) as typeof endpoints;
  keySet = createLocalJWKSet(JSON.parse((await httpsRequest(endpoints.jwks_uri, { ca })).text) as { keys: [] });
});

afterEach(() => emulator.control.withholdConsent([]));

afterAll(async () => {
  await emulator?.close();
});

function authParams(scope: string, challenge: string, state: string): Record<string, string> {
  return spaAuthParams(REDIRECT_URI, scope, challenge, { state, nonce: randomBytes(8).toString('hex') });
}

/** Signs `account` in interactively for `scope` and redeems the code: the tokens MSAL's loginPopup gets. */
async function signIn(client: OidcTestClient, account: RegExp, scope = LOGIN_SCOPES): Promise<Record<string, string>> {
  const { verifier, challenge } = pkce();
  const { fragment } = await client.signIn(
    endpoints.authorization_endpoint,
    authParams(scope, challenge, 'st'),
    account,
  );
  const redeemed = await client.token(endpoints.token_endpoint, {
    grant_type: 'authorization_code',
    client_id: DEMO_SPA_CLIENT_ID,
    code: fragment.get('code') ?? '',
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    scope,
  });
  expect(redeemed.status).toBe(200);
  return redeemed.body as Record<string, string>;
}

function refresh(client: OidcTestClient, refreshToken: string, scopes: string) {
  return client.token(endpoints.token_endpoint, {
    grant_type: 'refresh_token',
    client_id: DEMO_SPA_CLIENT_ID,
    refresh_token: refreshToken,
    scope: `${scopes} ${LOGIN_SCOPES}`,
  });
}

async function scp(accessToken: unknown): Promise<string[]> {
  const { payload } = await jwtVerify(String(accessToken), keySet, { issuer: emulator.issuer, audience: GRAPH });
  return String(payload.scp).split(' ');
}

const consentRequired = {
  error: 'invalid_grant',
  error_codes: [65001],
  suberror: 'consent_required',
  error_description: expect.stringMatching(
    /^AADSTS65001: The user or administrator has not consented to use the application with ID '0da58537-44b5-46fb-83f9-23649ede607e' named 'Keyward'\./,
  ),
};

describe('withheld admin consent', () => {
  it('shows "Need admin approval" for an interactive request naming the permission; its button returns consent_required', async () => {
    emulator.control.withholdConsent([TAP]);
    const client = new OidcTestClient(ca, REDIRECT_URI);
    const login = await client.authorize(
      endpoints.authorization_endpoint,
      authParams(`${GRAPH}/User.Read.All ${GRAPH}/${TAP} ${LOGIN_SCOPES}`, pkce().challenge, 'st-approval'),
    );
    const approval = await client.chooseAccount(login.url, login.page, /Aisha Operator/);
    expect(approval.status).toBe(200);
    expect(approval.headers['content-security-policy']).toContain("default-src 'none'");
    expect(approval.text).toContain('<h1>Need admin approval</h1>');
    expect(approval.text).toMatch(/Keyward needs permission .* only an administrator can grant/);
    expect(approval.text).toContain(`<li>${TAP}</li>`);
    expect(approval.text).not.toContain('<li>User.Read.All</li>');
    expect(approval.text).not.toMatch(/<script|style=/i);

    const [back] = pageForms(approval.text, login.url);
    expect(back?.fields).toEqual({ action: 'back-to-app' });
    expect(approval.text).toMatch(/<button type="submit">Back to the app<\/button>/);
    const ended = await client.post(back?.action ?? '', back?.fields ?? {});
    const fragment = await client.followToRedirectUri(new URL(String(ended.headers.location), login.url).href);
    expect(fragment.get('error')).toBe('consent_required');
    expect(fragment.get('state')).toBe('st-approval');
    expect(fragment.get('error_description')).toMatch(
      /^AADSTS65001: The user or administrator has not consented to use the application/,
    );
    expect(fragment.has('code')).toBe(false);
  });

  it("signs in without the permission, and refuses a refresh naming it in Entra's shape", async () => {
    emulator.control.withholdConsent([TAP]);
    const client = new OidcTestClient(ca, REDIRECT_URI);
    const tokens = await signIn(client, /Aisha Operator/);
    expect(await scp(tokens.access_token)).toEqual(expect.arrayContaining(['User.Read', 'User.Read.All']));
    expect(await scp(tokens.access_token)).not.toContain(TAP);

    const refused = await refresh(client, String(tokens.refresh_token), `${GRAPH}/User.Read.All ${GRAPH}/${TAP}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(consentRequired);

    // The refused request did not use the refresh token up: the consented permissions still refresh.
    const allowed = await refresh(client, String(tokens.refresh_token), `${GRAPH}/User.Read.All`);
    expect(allowed.status).toBe(200);
    expect(await scp(allowed.body.access_token)).not.toContain(TAP);
  });

  it('stops a refresh token from before the withholding, and consents again once restored', async () => {
    const client = new OidcTestClient(ca, REDIRECT_URI);
    const tokens = await signIn(client, /Aisha Operator/);
    expect(await scp(tokens.access_token)).toContain(TAP);

    emulator.control.withholdConsent([TAP]);
    const refused = await refresh(client, String(tokens.refresh_token), `${GRAPH}/${TAP}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(consentRequired);
    const narrower = await refresh(client, String(tokens.refresh_token), `${GRAPH}/User.Read.All`);
    expect(narrower.status).toBe(200);
    expect(await scp(narrower.body.access_token)).not.toContain(TAP);

    emulator.control.withholdConsent([]);
    const restored = await refresh(client, String(narrower.body.refresh_token), `${GRAPH}/${TAP}`);
    expect(restored.status).toBe(200);
    expect(await scp(restored.body.access_token)).toContain(TAP);
  });

  it('with nothing withheld, an interactive request naming the permission signs straight in', async () => {
    const tokens = await signIn(
      new OidcTestClient(ca, REDIRECT_URI),
      /Aisha Operator/,
      `${GRAPH}/${TAP} ${LOGIN_SCOPES}`,
    );
    expect(await scp(tokens.access_token)).toContain(TAP);
  });

  it('refuses permission names it does not know', () => {
    expect(() => emulator.control.withholdConsent(['UserAuthMethod-TAP.ReadWrite'])).toThrow(
      /unknown delegated permission/,
    );
    expect(emulator.tenant.withheldConsent.size).toBe(0);
  });
});
