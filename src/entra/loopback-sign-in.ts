/**
 * The steps of the RFC 8252 loopback sign-in (OAuth 2.0 for Native Apps) against Entra ID's v2 endpoint:
 * discovery, PKCE (RFC 7636, S256), the authorization URL with a loopback redirect URI (§7.3), waiting for
 * the browser's redirect with a matching `state` (RFC 6749 §10.12), and the token requests by `fetch`.
 *
 * Entra decides by the platform the redirect URI is registered under: `fetch` from a page always sends
 * `Origin`, which Entra accepts only for a single-page-application redirect URI (AADSTS9002326 otherwise).
 */
import { AppError } from '../app-error';
import { fromBase64Url, toBase64Url } from '../bytes';
import { tabPage, type LoopbackListener } from './loopback-listener';
import { oauthErrorCode } from './sign-in-errors';

/** The endpoints the flow uses, from the authority's OpenID configuration. */
export interface OidcEndpoints {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

/** A token response (RFC 6749 §5.1, with Entra's `id_token`). */
export interface TokenResponse {
  readonly access_token: string;
  readonly expires_in: number;
  readonly refresh_token?: string;
  readonly id_token?: string;
  readonly scope?: string;
}

type Fetch = typeof fetch;

/** The authority's v2 endpoints (Entra and the emulator both publish `/<tenant>/v2.0/.well-known/…`). */
export async function discoverEndpoints(
  authorityHost: string,
  tenantId: string,
  fetchFn: Fetch = fetch,
): Promise<OidcEndpoints> {
  const url = `https://${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`;
  let doc: Record<string, unknown>;
  try {
    const res = await fetchFn(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    doc = (await res.json()) as Record<string, unknown>;
  } catch (cause) {
    throw new AppError(
      'entra',
      'AUTHORITY_UNREACHABLE',
      'OpenID configuration unavailable.',
      { authorityHost },
      { cause },
    );
  }
  const { issuer, authorization_endpoint, token_endpoint } = doc;
  if (typeof issuer !== 'string' || typeof authorization_endpoint !== 'string' || typeof token_endpoint !== 'string')
    throw new AppError('entra', 'AUTHORITY_UNREACHABLE', 'OpenID configuration incomplete.', { authorityHost });
  return { issuer, authorizationEndpoint: authorization_endpoint, tokenEndpoint: token_endpoint };
}

/** 32 random bytes, base64url: a PKCE verifier (43 characters), a state or a nonce. */
export function randomToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 challenge of a PKCE verifier (RFC 7636 §4.2). */
export async function pkceChallenge(verifier: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** What the authorization request carries. */
export interface AuthorizeParams {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly state: string;
  readonly nonce: string;
  readonly challenge: string;
  readonly prompt: 'login' | 'select_account';
}

/** The authorization URL (code flow, query response: the listener sees no fragment). */
export function authorizeUrl(endpoint: string, p: AuthorizeParams): string {
  const url = new URL(endpoint);
  const q = url.searchParams;
  q.set('client_id', p.clientId);
  q.set('response_type', 'code');
  q.set('response_mode', 'query');
  q.set('redirect_uri', p.redirectUri);
  q.set('scope', p.scope);
  q.set('state', p.state);
  q.set('nonce', p.nonce);
  q.set('code_challenge', p.challenge);
  q.set('code_challenge_method', 'S256');
  q.set('prompt', p.prompt);
  return url.href;
}

const DONE = tabPage('Signed in', 'You are signed in to Keyward. Close this tab and return to the Keyward window.');
const FAILED = tabPage('Sign-in did not complete', 'Return to the Keyward window for what happened.');
const NOT_THIS = tabPage('Not this sign-in', 'This address answers only the sign-in Keyward started.');

/**
 * Waits for the redirect of the sign-in that sent `state` and returns its code. Requests for other paths,
 * or with another state, are answered and otherwise ignored (RFC 6749 §10.12: they are not this sign-in).
 */
export async function awaitAuthorizationCode(listener: LoopbackListener, state: string): Promise<string> {
  for (;;) {
    const request = await listener.next();
    const url = new URL(request.target, 'http://localhost');
    const params = url.searchParams;
    if (request.method !== 'GET' || url.pathname !== '/' || params.get('state') !== state) {
      await request.respond(url.pathname === '/' ? 400 : 404, NOT_THIS);
      continue;
    }
    const code = params.get('code');
    if (code) {
      await request.respond(200, DONE);
      return code;
    }
    await request.respond(400, FAILED);
    const error = params.get('error') ?? 'unknown';
    throw new AppError('entra', oauthErrorCode(error), `The authorization server answered ${error}.`, {
      oauthError: error,
    });
  }
}

/** POSTs a token request; Entra's refusals become `AppError`s with the AADSTS number in `aadsts`. */
export async function requestToken(
  tokenEndpoint: string,
  form: Record<string, string>,
  authorityHost: string,
  fetchFn: Fetch = fetch,
): Promise<TokenResponse> {
  let res: Response;
  try {
    res = await fetchFn(tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  } catch (cause) {
    throw new AppError('entra', 'AUTHORITY_UNREACHABLE', 'Token endpoint unreachable.', { authorityHost }, { cause });
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok && typeof body.access_token === 'string') return body as unknown as TokenResponse;
  const error = typeof body.error === 'string' ? body.error : `http_${res.status}`;
  const aadsts = Array.isArray(body.error_codes) ? Number(body.error_codes[0]) : undefined;
  const code =
    aadsts && REGISTRATION_PLATFORM_ERRORS.has(aadsts) ? 'LOOPBACK_REDIRECT_PLATFORM' : oauthErrorCode(error);
  throw new AppError('entra', code, `The token endpoint answered ${error}${aadsts ? ` (AADSTS${aadsts})` : ''}.`, {
    oauthError: error,
    aadsts,
    authorityHost,
  });
}

/** AADSTS numbers that mean the loopback redirect URI is registered under the wrong platform. */
const REGISTRATION_PLATFORM_ERRORS = new Set([9002326, 9002327, 7000218]);

/** The claims of a JWT's payload (not verified: the ID token came straight from the token endpoint over TLS). */
export function jwtClaims(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new AppError('entra', 'SIGN_IN_FAILED', 'The ID token is not a JWT.');
  return JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as Record<string, unknown>;
}
