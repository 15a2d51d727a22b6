/**
 * App-only Microsoft Graph tokens for the relay: the OAuth 2.0 client credentials grant (RFC 6749 §4.4)
 * with the relay app's client secret, as Entra's v2 endpoint takes it (Microsoft identity platform,
 * "client credentials flow": `scope=https://graph.microsoft.com/.default`, `client_secret` in the form
 * body). The token endpoint comes from the issuer's discovery document (OpenID Connect Discovery 1.0 §4).
 *
 * Tokens are cached until shortly before they expire, and concurrent callers share one request.
 * Failures never quote the secret or the endpoint's response body; only its OAuth `error` code.
 */
import { AppError } from '../../src/app-error';
import type { HttpFetch } from './http-fetch';

/** Graph's resource with the `.default` scope: every application permission granted to the app. */
export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

/** Options for {@link createAppTokenSource}. */
export interface AppTokenSourceOptions {
  /** The tenant issuer, e.g. `https://login.microsoftonline.com/<tid>/v2.0`. */
  issuer: string;
  /** The relay app's client id. */
  clientId: string;
  clientSecret: string;
  fetch: HttpFetch;
  scope?: string;
  /** Per-request timeout; defaults to 5 s. */
  timeoutMs?: number;
  /** Wall clock in ms, for expiry; defaults to `Date.now`. */
  now?: () => number;
}

/** Hands out a valid app-only access token. */
export interface AppTokenSource {
  /** A cached or fresh token; rejects with `AppError('relay', 'GRAPH_UNAVAILABLE' | 'GRAPH_APP_AUTH_FAILED')`. */
  token(): Promise<string>;
  /** Forgets the cached token (after Graph answered 401 to it). */
  invalidate(): void;
}

/** Refresh this long before `expires_in` runs out, so a token never expires in flight. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

const unavailable = (message: string, cause?: unknown) =>
  new AppError(
    'relay',
    'GRAPH_UNAVAILABLE',
    message,
    { status: 503, retryable: true },
    cause === undefined ? undefined : { cause },
  );

async function fetchJson(
  doFetch: HttpFetch,
  url: string,
  init: Parameters<HttpFetch>[1],
  what: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await doFetch(url, init);
  } catch (cause) {
    throw unavailable(`${what} could not be reached.`, cause);
  }
  let json: Record<string, unknown> = {};
  try {
    json = (await res.json()) as Record<string, unknown>;
  } catch {
    // A non-JSON answer (a proxy's error page) is judged by its status alone.
  }
  return { status: res.status, json };
}

async function discoverTokenEndpoint(o: AppTokenSourceOptions, timeoutMs: number): Promise<string> {
  const where = `${o.issuer}/.well-known/openid-configuration`;
  const { status, json } = await fetchJson(
    o.fetch,
    where,
    { method: 'GET', signal: AbortSignal.timeout(timeoutMs) },
    'OpenID discovery',
  );
  if (status !== 200 || json.issuer !== o.issuer)
    throw unavailable(`OpenID discovery at ${where} failed (HTTP ${status}).`);
  const endpoint = json.token_endpoint;
  if (typeof endpoint !== 'string' || !endpoint.startsWith('https://'))
    throw unavailable(`Discovery document at ${where} has no https token_endpoint.`);
  return endpoint;
}

async function requestToken(
  o: AppTokenSourceOptions,
  endpoint: string,
  timeoutMs: number,
): Promise<{ value: string; lifetimeMs: number }> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: o.clientId,
    client_secret: o.clientSecret,
    scope: o.scope ?? GRAPH_DEFAULT_SCOPE,
  });
  const { status, json } = await fetchJson(
    o.fetch,
    endpoint,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(timeoutMs),
    },
    'The token endpoint',
  );
  if (status >= 500 || status === 429) throw unavailable(`The token endpoint answered HTTP ${status}.`);
  if (status !== 200 || typeof json.access_token !== 'string') {
    // RFC 6749 §5.2 error codes (invalid_client, unauthorized_client, invalid_scope) are safe to repeat.
    const error = typeof json.error === 'string' ? json.error.replace(/[^a-z_]/g, '').slice(0, 40) : 'none';
    throw new AppError(
      'relay',
      'GRAPH_APP_AUTH_FAILED',
      `The relay could not get an app-only Graph token (HTTP ${status}, error '${error}'): check RELAY_CLIENT_ID, GRAPH_CLIENT_SECRET and the app's User.Read.All permission.`,
      { status: 502, retryable: false, oauthError: error },
    );
  }
  const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in ?? 0);
  return { value: json.access_token, lifetimeMs: Math.max(0, expiresIn * 1000) };
}

/** Creates the token source; nothing is fetched until the first `token()`. */
export function createAppTokenSource(options: AppTokenSourceOptions): AppTokenSource {
  const timeoutMs = options.timeoutMs ?? 5000;
  const now = options.now ?? Date.now;
  let endpoint: string | undefined;
  let cached: { value: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const refresh = async (): Promise<string> => {
    endpoint ??= await discoverTokenEndpoint(options, timeoutMs);
    const started = now();
    const { value, lifetimeMs } = await requestToken(options, endpoint, timeoutMs);
    // Short-lived tokens (tests) are refreshed at half their life rather than never cached.
    cached = { value, refreshAt: started + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2) };
    return value;
  };

  return {
    token() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.value);
      pending ??= refresh().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
