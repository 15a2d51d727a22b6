/**
 * Test-only browser stand-in for the emulator's sign-in flow over real https: authorize, the pages the
 * emulator shows (account list, approval page, oidc-provider's end-session form), redirects back to the
 * SPA's redirect URI, and token requests as MSAL sends them. One cookie jar per client, like one browser.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DEMO_SPA_CLIENT_ID } from './index';
import { CookieJar, httpsRequest, type HttpsResponse } from './test-https';

/** A form on an emulator page: its action (absolute) and hidden fields. */
export interface PageForm {
  readonly action: string;
  readonly fields: Record<string, string>;
}

/** Drives the emulator like a browser plus MSAL would. */
export class OidcTestClient {
  readonly #jar = new CookieJar();

  constructor(
    private readonly ca: string,
    private readonly redirectUri: string,
  ) {}

  /** GET with this client's cookies; never follows redirects. */
  async get(url: string): Promise<HttpsResponse> {
    const res = await httpsRequest(url, { ca: this.ca, headers: { cookie: this.#jar.header() } });
    this.#jar.store(res);
    return res;
  }

  /** Form POST with this client's cookies (and `headers`, such as a page's `origin`); never follows redirects. */
  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpsResponse> {
    const res = await httpsRequest(url, {
      ca: this.ca,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.#jar.header(), ...headers },
      body: new URLSearchParams(form).toString(),
    });
    this.#jar.store(res);
    return res;
  }

  /** Sends an authorization request and returns the URL and page of the sign-in page it leads to. */
  async authorize(
    authorizationEndpoint: string,
    params: Record<string, string>,
  ): Promise<{ url: string; page: HttpsResponse }> {
    const authorize = new URL(authorizationEndpoint);
    Object.entries(params).forEach(([k, v]) => authorize.searchParams.set(k, v));
    const toLogin = await this.get(authorize.href);
    if (toLogin.status !== 303) throw new Error(`authorize answered ${toLogin.status}`);
    const url = new URL(String(toLogin.headers.location), authorize.href).href;
    return { url, page: await this.get(url) };
  }

  /** Clicks the account button whose text matches `displayName` on the sign-in page at `loginUrl`. */
  async chooseAccount(loginUrl: string, page: HttpsResponse, displayName: RegExp): Promise<HttpsResponse> {
    const forms = [
      ...page.text.matchAll(
        /<form method="post" action="([^"]+)">\s*<input type="hidden" name="account" value="([^"]+)">\s*<button type="submit">([^<]+)</g,
      ),
    ];
    const chosen = forms.find((f) => displayName.test(f[3] ?? ''));
    if (!chosen) throw new Error('account button not found');
    return this.post(new URL(chosen[1] ?? '', loginUrl).href, { account: chosen[2] ?? '' });
  }

  /**
   * Authorize → sign-in page → the account whose button matches `account` → the SPA's redirect URI.
   * Returns the sign-in page as shown and the fragment the SPA receives.
   */
  async signIn(
    authorizationEndpoint: string,
    params: Record<string, string>,
    account: RegExp,
  ): Promise<{ page: HttpsResponse; fragment: URLSearchParams }> {
    const login = await this.authorize(authorizationEndpoint, params);
    const chosen = await this.chooseAccount(login.url, login.page, account);
    if (chosen.status !== 303) throw new Error(`choosing an account answered ${chosen.status}`);
    const fragment = await this.followToRedirectUri(new URL(String(chosen.headers.location), login.url).href);
    return { page: login.page, fragment };
  }

  /**
   * Follows 303s (and oidc-provider's auto-submitted forms) until the redirect URI; returns its fragment,
   * or its query for `response_mode=query` (a loopback listener sees no fragment).
   */
  async followToRedirectUri(start: string): Promise<URLSearchParams> {
    const arrived = new URL(await this.followToRedirect(start));
    return new URLSearchParams(arrived.hash ? arrived.hash.slice(1) : arrived.search);
  }

  /** Follows 303s and auto-submitted forms from `start` until the redirect URI; returns that URL, unvisited. */
  async followToRedirect(start: string): Promise<string> {
    let url = start;
    for (let hop = 0; hop < 6; hop += 1) {
      if (url.startsWith(this.redirectUri)) return url;
      const res = await this.get(url);
      if (res.status === 200) {
        const form = pageForms(res.text, url)[0];
        if (!form) throw new Error(`page without a form at ${url}`);
        const submitted = await this.post(form.action, form.fields);
        url = new URL(String(submitted.headers.location), form.action).href;
        continue;
      }
      if (res.status !== 303) throw new Error(`unexpected ${res.status} at ${url}`);
      url = new URL(String(res.headers.location), url).href;
    }
    throw new Error('too many redirects');
  }

  /**
   * POSTs a token request (form-encoded, as MSAL does: cross-origin from the redirect URI's page, so with
   * its `Origin` unless `headers` say otherwise) and returns status, headers and JSON body.
   */
  async token(
    tokenEndpoint: string,
    form: Record<string, string>,
    headers: Record<string, string> = { origin: new URL(this.redirectUri).origin },
  ): Promise<{ status: number; headers: HttpsResponse['headers']; body: Record<string, unknown> }> {
    const res = await this.post(tokenEndpoint, form, headers);
    return { status: res.status, headers: res.headers, body: JSON.parse(res.text) as Record<string, unknown> };
  }
}

/** A PKCE verifier and its S256 challenge (RFC 7636 §4.2). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The authorization request MSAL sends for the demo SPA (code + PKCE, fragment response); `extra` adds or overrides. */
export function spaAuthParams(
  redirectUri: string,
  scope: string,
  challenge: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    client_id: DEMO_SPA_CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri,
    response_mode: 'fragment',
    scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
}

/** The POST forms of a page with their hidden fields, in page order. */
export function pageForms(html: string, base: string): PageForm[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)].map((m) => ({
    action: new URL((m[1] ?? '').replace(/&#38;/g, '&'), base).href,
    fields: Object.fromEntries(
      [...(m[2] ?? '').matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((f) => [f[1] ?? '', f[2] ?? '']),
    ),
  }));
}
