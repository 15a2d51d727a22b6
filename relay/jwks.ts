/**
 * The tenant's signing keys, found through OpenID Connect discovery and cached by jose.
 *
 * Discovery (OpenID Connect Discovery 1.0 §4): GET `${issuer}/.well-known/openid-configuration`; the
 * document's `issuer` must equal the one we expect (§4.3), and its `jwks_uri` names the key set, which
 * `createRemoteJWKSet` fetches, caches and re-fetches on an unknown `kid` (Entra rotates keys).
 *
 * `fetch` is injectable (jose's `customFetch` symbol for the key set) so tests and the demo, whose
 * emulator uses a self-signed certificate, control the network.
 */
import { createRemoteJWKSet, customFetch, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose';
import { AppError } from '../src/app-error';

/** The fetch subset used for discovery and the key set. */
export type JwksFetch = (
  url: string,
  init: { headers?: Headers; method?: 'GET'; redirect?: 'manual'; signal?: AbortSignal },
) => Promise<Response>;

/** Resolves the verification key for a token's protected header (the shape `jwtVerify` accepts). */
export type GetKey = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** Options for {@link createJwksKeySource}. */
export interface JwksOptions {
  /** The exact issuer, e.g. `https://login.microsoftonline.com/<tid>/v2.0`. */
  issuer: string;
  fetch?: JwksFetch;
  /** How long fetched keys are trusted before a refresh; jose's default is 10 minutes. */
  cacheMaxAgeMs?: number;
  /** Minimum time between re-fetches triggered by an unknown `kid`; jose's default is 30 s. */
  cooldownMs?: number;
  /** Per-request network timeout; defaults to 5 s. */
  timeoutMs?: number;
}

const defaultFetch: JwksFetch = (url, init) => fetch(url, init);

/** Fetches and checks the discovery document, returning its `jwks_uri`. */
async function discoverJwksUri(issuer: string, doFetch: JwksFetch, timeoutMs: number): Promise<URL> {
  const where = `${issuer}/.well-known/openid-configuration`;
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const res = await doFetch(where, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    doc = (await res.json()) as typeof doc;
  } catch (cause) {
    throw new AppError('relay', 'JWKS_UNAVAILABLE', `OpenID discovery at ${where} failed.`, { url: where }, { cause });
  }
  if (doc.issuer !== issuer) {
    throw new AppError(
      'relay',
      'JWKS_UNAVAILABLE',
      `Discovery document at ${where} names issuer '${String(doc.issuer)}', expected '${issuer}'.`,
      { url: where },
    );
  }
  if (typeof doc.jwks_uri !== 'string' || !doc.jwks_uri.startsWith('https://')) {
    throw new AppError('relay', 'JWKS_UNAVAILABLE', `Discovery document at ${where} has no https jwks_uri.`, {
      url: where,
    });
  }
  return new URL(doc.jwks_uri);
}

/**
 * Creates a key resolver for `jwtVerify`. Discovery runs on first use and is remembered; a failed
 * discovery is forgotten so the next request retries instead of failing forever.
 *
 * @throws (from the resolver) AppError('relay', 'JWKS_UNAVAILABLE') when discovery fails; jose's own
 *   errors (`ERR_JWKS_NO_MATCHING_KEY`, `ERR_JWKS_TIMEOUT`, …) for the key set itself.
 */
export function createJwksKeySource(options: JwksOptions): GetKey {
  const doFetch = options.fetch ?? defaultFetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  let keySet: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const load = () =>
    discoverJwksUri(options.issuer, doFetch, timeoutMs).then((uri) =>
      createRemoteJWKSet(uri, {
        timeoutDuration: timeoutMs,
        ...(options.cacheMaxAgeMs !== undefined ? { cacheMaxAge: options.cacheMaxAgeMs } : {}),
        ...(options.cooldownMs !== undefined ? { cooldownDuration: options.cooldownMs } : {}),
        [customFetch]: doFetch,
      }),
    );
  return async (header, token) => {
    keySet ??= load().catch((e: unknown) => {
      keySet = undefined;
      throw e;
    });
    return (await keySet)(header, token);
  };
}
