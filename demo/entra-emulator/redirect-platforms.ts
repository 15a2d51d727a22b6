/**
 * Entra's rules for redirect URIs by platform, as the emulator applies them. An app registration lists
 * redirect URIs under platforms, and the platform of the URI a code was issued for decides how the code
 * (and the refresh tokens that follow from it) may be redeemed:
 *
 * - **Single-page application** (`spa`): only by a cross-origin request (an `Origin` header), else
 *   AADSTS9002327 "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via
 *   cross-origin requests". The token endpoint then answers with a CORS grant for that origin.
 * - **Mobile and desktop applications** (`publicClient`): a public client, no secret; a request with an
 *   `Origin` header is refused with AADSTS9002326 "Cross-origin token redemption is permitted only for
 *   the 'Single-Page Application' client-type".
 * - **Web** (`web`): a confidential client; without `client_secret`/`client_assertion` AADSTS7000218,
 *   unless the app allows public client flows; with an `Origin` header AADSTS9002326 as above.
 *
 * Matching (learn.microsoft.com "Redirect URI (reply URL) restrictions and limitations", localhost
 * exceptions, after RFC 8252 §7.3 and §8.3): an exact match, except that for `http://localhost` and
 * `http://127.0.0.1` the port is ignored; host and path must still match, so `localhost` and `127.0.0.1`
 * are different URIs. The IPv6 loopback `[::1]` is not supported. A URI registered without a path is
 * the same as one with the path `/`.
 */

/** The platform a redirect URI is registered under (the manifest's `replyUrlsWithType[].type`). */
export type RedirectPlatform = 'spa' | 'publicClient' | 'web';

/** One redirect URI of the app registration. */
export interface RegisteredRedirect {
  readonly uri: string;
  readonly platform: RedirectPlatform;
}

/** An Entra token-endpoint error: HTTP status, OAuth error and the AADSTS number. */
export interface EntraTokenError {
  readonly status: number;
  readonly error: 'invalid_request' | 'invalid_client';
  readonly code: number;
  readonly description: string;
}

/** The registration from its lists of redirect URIs by platform. */
export function registration(
  spa: readonly string[],
  publicClient: readonly string[] = [],
  web: readonly string[] = [],
): RegisteredRedirect[] {
  const on = (platform: RedirectPlatform) => (uri: string) => ({ uri, platform });
  return [...spa.map(on('spa')), ...publicClient.map(on('publicClient')), ...web.map(on('web'))];
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

/** True for `http://localhost[:port]/…` and `http://127.0.0.1[:port]/…` (not `[::1]`). */
export function isLoopbackRedirect(uri: string): boolean {
  const u = parse(uri);
  return !!u && u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
}

/** The URI as compared: for a loopback URI the port is dropped; `http://h` and `http://h/` are one. */
function comparable(uri: string): string | undefined {
  const u = parse(uri);
  if (!u) return undefined;
  if (isLoopbackRedirect(uri)) u.port = '';
  return u.href;
}

/** The registered redirect `requested` matches, or undefined (Entra then answers AADSTS50011). */
export function matchRedirect(
  registered: readonly RegisteredRedirect[],
  requested: string,
): RegisteredRedirect | undefined {
  const exact = registered.find((r) => r.uri === requested);
  if (exact) return exact;
  const wanted = comparable(requested);
  if (!wanted || !isLoopbackRedirect(requested)) return undefined;
  return registered.find((r) => isLoopbackRedirect(r.uri) && comparable(r.uri) === wanted);
}

/** What the token endpoint sees of a redemption (authorization code or refresh token). */
export interface Redemption {
  /** The platform of the redirect URI the code was issued for. */
  readonly platform: RedirectPlatform;
  /** The request's `Origin` header, if any. */
  readonly origin?: string;
  /** Whether the request carries `client_secret` or `client_assertion`. */
  readonly clientCredential: boolean;
  /** The app registration's "Allow public client flows" (`isFallbackPublicClient`). */
  readonly allowPublicClientFlows: boolean;
}

/** Entra's refusal of `r`, or undefined when it may be redeemed. */
export function redemptionRefusal(r: Redemption): EntraTokenError | undefined {
  if (r.platform === 'spa') {
    if (r.origin) return undefined;
    return {
      status: 400,
      error: 'invalid_request',
      code: 9002327,
      description:
        "AADSTS9002327: Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
    };
  }
  if (r.platform === 'web' && !r.clientCredential && !r.allowPublicClientFlows) {
    return {
      status: 401,
      error: 'invalid_client',
      code: 7000218,
      description:
        "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    };
  }
  if (r.origin) {
    return {
      status: 400,
      error: 'invalid_request',
      code: 9002326,
      description: `AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '${r.origin}'.`,
    };
  }
  return undefined;
}
