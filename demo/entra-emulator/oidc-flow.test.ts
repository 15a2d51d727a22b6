/**
 * The full authorization-code + PKCE flow over real https, as MSAL performs it: discovery → authorize →
 * sign-in page → pick an account → code → token → refresh for the other resource. Tokens are verified
 * against the published JWKS with jose.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTHENTICATION_ADMINISTRATOR,
  DEMO_RELAY_CLIENT_ID,
  DEMO_SPA_CLIENT_ID,
  DEMO_TENANT_ID,
  OPERATOR_APP_ROLE,
  type EntraEmulator,
} from './index';
import { createLocalTls } from '../local-tls';
import { CookieJar, httpsRequest, type HttpsResponse } from './test-https';
import { startTestEntra } from '../../test/support/test-entra';

const REDIRECT_URI = 'http://localhost:8080/auth-redirect.html';
const SPA_ORIGIN = 'http://localhost:8080';
const GRAPH = 'https://graph.microsoft.com';
const RELAY_SCOPE = `api://${DEMO_RELAY_CLIENT_ID}/Mail.Send`;

let emulator: EntraEmulator;
let ca: string;
let discovery: Record<string, string>;
let keySet: ReturnType<typeof createLocalJWKSet>;
const jar = new CookieJar();

async function get(url: string, headers: Record<string, string> = {}): Promise<HttpsResponse> {
  const res = await httpsRequest(url, { ca, headers: { cookie: jar.header(), ...headers } });
  jar.store(res);
  return res;
}

async function post(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<HttpsResponse> {
  const res = await httpsRequest(url, {
    ca,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(), ...headers },
    body: new URLSearchParams(form).toString(),
  });
  jar.store(res);
  return res;
}

function absolute(location: string | string[] | undefined, base: string): string {
  return new URL(String(location), base).href;
}

beforeAll(async () => {
  const local = await createLocalTls(1);
  ca = local.caPem;
  emulator = await startTestEntra(local, { spaRedirectUris: [REDIRECT_URI] });
  const res = await get(`${emulator.issuer}/.well-known/openid-configuration`);
  expect(res.status).toBe(200);
  discovery = JSON.parse(res.text) as Record<string, string>;
  keySet = createLocalJWKSet(JSON.parse((await get(String(discovery.jwks_uri))).text) as { keys: [] });
});

afterAll(async () => {
  await emulator?.close();
});

/**
 * Follows the provider's redirects to the SPA's redirect URI. When the chosen account differs from the
 * session's, oidc-provider first ends the old session through an auto-submitted form (as a browser would).
 */
async function followToRedirectUri(start: string): Promise<string> {
  let url = start;
  for (let hop = 0; hop < 5; hop += 1) {
    const res = await get(url);
    if (res.status === 200) {
      const action = /<form method="post" action="([^"]+)">/.exec(res.text)?.[1] ?? '';
      const inputs = Object.fromEntries(
        [...res.text.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
      const confirmed = await post(action, inputs as Record<string, string>);
      url = absolute(confirmed.headers.location, action);
      continue;
    }
    expect(res.status).toBe(303);
    const next = absolute(res.headers.location, url);
    if (next.startsWith(REDIRECT_URI)) return next;
    url = next;
  }
  throw new Error('too many redirects');
}

/** Runs authorize → sign-in page → account choice → redirect, returning the code and nonce. */
async function signIn(
  displayName: RegExp,
  challenge: string,
): Promise<{ code: string; nonce: string; page: HttpsResponse }> {
  const nonce = randomBytes(8).toString('hex');
  const authorize = new URL(discovery.authorization_endpoint ?? '');
  Object.entries({
    client_id: DEMO_SPA_CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    response_mode: 'fragment',
    scope: `${GRAPH}/User.Read openid profile offline_access`,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'st4te',
    nonce,
    client_info: '1',
  }).forEach(([k, v]) => authorize.searchParams.set(k, v));
  const toLogin = await get(authorize.href);
  expect(toLogin.status).toBe(303);
  const loginUrl = absolute(toLogin.headers.location, authorize.href);
  const page = await get(loginUrl);
  expect(page.status).toBe(200);
  const forms = [
    ...page.text.matchAll(
      /<form method="post" action="([^"]+)">\s*<input type="hidden" name="account" value="([^"]+)">\s*<button type="submit">([^<]+)</g,
    ),
  ];
  const chosen = forms.find((f) => displayName.test(f[3] ?? ''));
  if (!chosen) throw new Error('account button not found');
  const resume = await post(absolute(chosen[1], loginUrl), { account: chosen[2] ?? '' });
  expect(resume.status).toBe(303);
  const back = await followToRedirectUri(absolute(resume.headers.location, loginUrl));
  const redirect = new URL(back);
  expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
  const fragment = new URLSearchParams(redirect.hash.slice(1));
  expect(fragment.get('state')).toBe('st4te');
  return { code: fragment.get('code') ?? '', nonce, page };
}

async function verify(token: string, audience: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, keySet, { issuer: emulator.issuer, audience, algorithms: ['RS256'] });
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
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const { code, nonce, page } = await signIn(/Aisha Operator/, challenge);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).not.toMatch(/<script|style=/i);
    expect(page.text).toMatch(/Gary Guest/);
    expect(page.text).not.toMatch(/Ivan Petrov/);

    const tokenRes = await post(
      String(discovery.token_endpoint),
      {
        grant_type: 'authorization_code',
        client_id: DEMO_SPA_CLIENT_ID,
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        scope: `${GRAPH}/User.Read openid profile offline_access`,
      },
      { origin: SPA_ORIGIN },
    );
    expect(tokenRes.status).toBe(200);
    expect(tokenRes.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const tokens = JSON.parse(tokenRes.text) as Record<string, string>;
    expect(typeof tokens.refresh_token).toBe('string');

    const aisha = emulator.tenant.byDisplayName('Aisha Operator');
    const id = await verify(String(tokens.id_token), DEMO_SPA_CLIENT_ID);
    expect(id).toMatchObject({
      ver: '2.0',
      tid: DEMO_TENANT_ID,
      oid: aisha.id,
      sub: aisha.id,
      name: 'Aisha Operator',
      preferred_username: aisha.userPrincipalName,
      wids: [AUTHENTICATION_ADMINISTRATOR],
      nonce,
    });

    const graphAt = await verify(String(tokens.access_token), GRAPH);
    expect(decodeProtectedHeader(String(tokens.access_token)).typ).toBe('JWT');
    expect(String(graphAt.scp).split(' ')).toEqual(
      expect.arrayContaining(['User.Read', 'UserAuthMethod-TAP.ReadWrite.All']),
    );
    expect(graphAt).toMatchObject({
      ver: '2.0',
      tid: DEMO_TENANT_ID,
      oid: aisha.id,
      azp: DEMO_SPA_CLIENT_ID,
      wids: [AUTHENTICATION_ADMINISTRATOR],
    });
    expect(graphAt.scope).toBeUndefined();
    expect(graphAt.roles).toBeUndefined();

    const refreshed = await post(
      String(discovery.token_endpoint),
      {
        grant_type: 'refresh_token',
        client_id: DEMO_SPA_CLIENT_ID,
        refresh_token: String(tokens.refresh_token),
        scope: `${RELAY_SCOPE} openid profile offline_access`,
      },
      { origin: SPA_ORIGIN },
    );
    expect(refreshed.status).toBe(200);
    const relayTokens = JSON.parse(refreshed.text) as Record<string, string>;
    const relayAt = await verify(String(relayTokens.access_token), DEMO_RELAY_CLIENT_ID);
    expect(relayAt).toMatchObject({
      ver: '2.0',
      scp: 'Mail.Send',
      roles: [OPERATOR_APP_ROLE],
      tid: DEMO_TENANT_ID,
      oid: aisha.id,
      name: 'Aisha Operator',
      preferred_username: aisha.userPrincipalName,
      azp: DEMO_SPA_CLIENT_ID,
    });
    expect(relayAt.wids).toBeUndefined();
    expect(typeof relayAt.nbf).toBe('number');

    // The rotated refresh token serves Graph again; like Entra, scp lists every consented permission.
    const back = await post(String(discovery.token_endpoint), {
      grant_type: 'refresh_token',
      client_id: DEMO_SPA_CLIENT_ID,
      refresh_token: String(relayTokens.refresh_token),
      scope: `${GRAPH}/User.Read openid profile offline_access`,
    });
    expect(back.status).toBe(200);
    const graphAgain = await verify(String((JSON.parse(back.text) as Record<string, string>).access_token), GRAPH);
    expect(String(graphAgain.scp).split(' ')).toContain('User.Read.All');
  });

  it('issues a relay token without roles to a user with no app role', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const { code } = await signIn(/Nina NoRole/, challenge);
    const tokenRes = await post(String(discovery.token_endpoint), {
      grant_type: 'authorization_code',
      client_id: DEMO_SPA_CLIENT_ID,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      scope: `${RELAY_SCOPE} openid profile offline_access`,
    });
    expect(tokenRes.status).toBe(200);
    const tokens = JSON.parse(tokenRes.text) as Record<string, string>;
    const relayAt = await verify(String(tokens.access_token), DEMO_RELAY_CLIENT_ID);
    expect(relayAt.scp).toBe('Mail.Send');
    expect(relayAt.roles).toBeUndefined();
    expect((await verify(String(tokens.id_token), DEMO_SPA_CLIENT_ID)).wids).toBeUndefined();
  });

  it('refuses a code exchange with the wrong PKCE verifier', async () => {
    const challenge = createHash('sha256').update('right-verifier-right-verifier-right-verifier').digest('base64url');
    const { code } = await signIn(/Ben Member/, challenge);
    const tokenRes = await post(String(discovery.token_endpoint), {
      grant_type: 'authorization_code',
      client_id: DEMO_SPA_CLIENT_ID,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: 'wrong-verifier-wrong-verifier-wrong-verifier-x',
    });
    expect(tokenRes.status).toBe(400);
    expect(JSON.parse(tokenRes.text)).toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts prompt=select_account, answers a token preflight for the SPA origin, and returns access_denied on cancel', async () => {
    const authorize = new URL(discovery.authorization_endpoint ?? '');
    Object.entries({
      client_id: DEMO_SPA_CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      response_mode: 'fragment',
      scope: 'openid profile offline_access',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      state: 's2',
      prompt: 'select_account',
    }).forEach(([k, v]) => authorize.searchParams.set(k, v));
    const toLogin = await get(authorize.href);
    expect(toLogin.status).toBe(303);
    const loginUrl = absolute(toLogin.headers.location, authorize.href);
    const page = await get(loginUrl);
    expect(page.text).toMatch(/Cancel sign-in/);
    const cancelled = await post(loginUrl, { action: 'cancel' });
    const redirect = new URL(await followToRedirectUri(absolute(cancelled.headers.location, loginUrl)));
    expect(new URLSearchParams(redirect.hash.slice(1)).get('error')).toBe('access_denied');

    const preflight = await httpsRequest(String(discovery.token_endpoint), {
      ca,
      method: 'OPTIONS',
      headers: {
        origin: SPA_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
  });

  it('answers prompt=none without a session with login_required', async () => {
    const authorize = new URL(discovery.authorization_endpoint ?? '');
    Object.entries({
      client_id: DEMO_SPA_CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      response_mode: 'fragment',
      scope: 'openid profile',
      code_challenge: 'y'.repeat(43),
      code_challenge_method: 'S256',
      state: 's3',
      prompt: 'none',
    }).forEach(([k, v]) => authorize.searchParams.set(k, v));
    const res = await httpsRequest(authorize.href, { ca });
    expect(res.status).toBe(303);
    const redirect = new URL(String(res.headers.location));
    expect(new URLSearchParams(redirect.hash.slice(1)).get('error')).toBe('login_required');
  });
});
