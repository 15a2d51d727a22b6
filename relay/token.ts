/**
 * Bearer-token validation for the relay's own API (never Graph's).
 *
 * What is checked, per DESIGN.md "Relay" and "Entra's token shape" (Microsoft identity platform access
 * token reference, v2.0 claims): RS256 only; the signature against the tenant JWKS; `iss` exact; `aud` =
 * the relay's client id; `exp`/`nbf` with a small clock tolerance; `tid` = tenant; `ver` = "2.0"; the
 * required delegated scope in the space-separated `scp`; and the client the token was issued to (`azp` in
 * v2.0 tokens, `appid` in v1.0) is one of Keyward's own pages, so another app that obtained the relay scope
 * cannot call it with its users' tokens.
 *
 * Refusals are `AppError('relay', code)` with a distinct code each; relay/http-errors.ts maps them to
 * 401/403 with `WWW-Authenticate`. Refusal messages never contain the token.
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../src/app-error';
import type { RelayConfig } from './config';
import { createJwksKeySource, type GetKey, type JwksOptions } from './jwks';

/** The authenticated operator, as the relay's routes see them. */
export interface Caller {
  /** Entra object id of the user. */
  oid: string;
  tid: string;
  name: string;
  preferredUsername: string;
  /** Delegated scopes (`scp`, split on spaces). */
  scopes: string[];
  /** App roles (`roles`). */
  roles: string[];
}

/** Options for {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  issuer: string;
  /** The relay's application (client) id. */
  audience: string;
  tenantId: string;
  getKey: GetKey;
  requiredScope: string;
  /** Application (client) ids of the Keyward pages (`azp`/`appid`); a token issued to any other client is refused. */
  clientIds: readonly string[];
  /** Allowed clock skew for `exp`/`nbf`; defaults to 60 s. */
  clockToleranceSec?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

/** Validates `Authorization` header values. */
export interface TokenVerifier {
  /** Resolves to the caller, or rejects with an `AppError('relay', TOKEN_*|SCOPE_MISSING|JWKS_UNAVAILABLE)`. */
  verify(authorizationHeader: string | undefined | null): Promise<Caller>;
}

/** Both spellings of Microsoft Graph's audience (resource URI and well-known app id). */
const GRAPH_AUDIENCES = new Set([
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  '00000003-0000-0000-c000-000000000000',
]);

const refuse = (code: string, message: string, fields: Record<string, unknown> = {}, cause?: unknown) =>
  new AppError('relay', code, message, fields, cause === undefined ? undefined : { cause });

/** Extracts the compact JWT from `Bearer <jwt>` (RFC 6750 §2.1). */
function extractToken(header: string | undefined | null): string {
  if (header === undefined || header === null || header.trim() === '') {
    throw refuse('TOKEN_MISSING', 'No bearer token: send Authorization: Bearer <access token for the relay API>.');
  }
  const match = /^Bearer +([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/.exec(header.trim());
  if (!match) throw refuse('TOKEN_MALFORMED', 'The Authorization header is not "Bearer <JWT>".');
  return match[1]!;
}

/**
 * Looks at the unverified header and claims only to explain refusals early: an algorithm other than
 * RS256 (`none`, HS256 keyed with a guessable secret) and a Graph token are refused before any key is
 * fetched. Nothing read here is ever trusted for acceptance.
 */
function preflight(token: string): void {
  let alg: unknown;
  let aud: JWTPayload['aud'];
  try {
    alg = decodeProtectedHeader(token).alg;
    aud = decodeJwt(token).aud;
  } catch (cause) {
    throw refuse('TOKEN_MALFORMED', 'The bearer token is not a decodable JWT.', {}, cause);
  }
  if (alg !== 'RS256')
    throw refuse('TOKEN_BAD_ALG', `Token algorithm '${String(alg)}' is not accepted; only RS256.`, {
      alg: String(alg),
    });
  const auds = Array.isArray(aud) ? aud : [aud];
  if (auds.some((a) => typeof a === 'string' && GRAPH_AUDIENCES.has(a.toLowerCase()))) {
    throw refuse(
      'TOKEN_GRAPH_AUDIENCE',
      'A Microsoft Graph token was sent to the relay. Request a token for the relay API scope (api://<relay app id>/…) instead.',
    );
  }
}

/** Maps jose's failures to the relay's refusal codes. */
function mapJoseError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof errors.JWTExpired)
    return refuse('TOKEN_EXPIRED', 'The token has expired; acquire a new one.', {}, e);
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf')
      return refuse(
        'TOKEN_NOT_YET_VALID',
        'The token is not valid yet (nbf is in the future); check the clock.',
        {},
        e,
      );
    if (e.claim === 'iss')
      return refuse('TOKEN_WRONG_ISSUER', 'The token was issued by another authority or tenant endpoint.', {}, e);
    if (e.claim === 'aud')
      return refuse('TOKEN_WRONG_AUDIENCE', 'The token is for another API, not this relay.', {}, e);
    return refuse('TOKEN_MALFORMED', `The token's '${e.claim}' claim is ${e.reason}.`, { claim: e.claim }, e);
  }
  if (
    e instanceof errors.JWSSignatureVerificationFailed ||
    e instanceof errors.JWKSNoMatchingKey ||
    e instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return refuse('TOKEN_BAD_SIGNATURE', 'The token signature does not match any key of the tenant.', {}, e);
  }
  if (e instanceof errors.JOSEAlgNotAllowed)
    return refuse('TOKEN_BAD_ALG', 'The token algorithm is not accepted; only RS256.', {}, e);
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid) {
    return refuse('JWKS_UNAVAILABLE', 'The tenant signing keys could not be fetched.', {}, e);
  }
  if (e instanceof errors.JOSEError) return refuse('TOKEN_MALFORMED', 'The bearer token is not a valid JWT.', {}, e);
  // Network errors from the key-set fetch surface as plain errors.
  return refuse('JWKS_UNAVAILABLE', 'The tenant signing keys could not be fetched.', {}, e);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The client the token was issued to: `azp` in v2.0 access tokens, `appid` in v1.0 ones (Microsoft identity
 * platform, "Access token claims reference").
 */
function clientOf(payload: JWTPayload): string {
  return str(payload.ver === '1.0' ? payload.appid : payload.azp).toLowerCase();
}

/** Checks the Entra-specific claims jose does not know about and builds the caller. */
function toCaller(
  payload: JWTPayload,
  options: Pick<TokenVerifierOptions, 'tenantId' | 'requiredScope' | 'clientIds'>,
): Caller {
  const { tenantId, requiredScope, clientIds } = options;
  if (payload.ver !== '2.0')
    throw refuse('TOKEN_WRONG_VERSION', `Only v2.0 access tokens are accepted, got ver '${String(payload.ver)}'.`);
  if (str(payload.tid).toLowerCase() !== tenantId.toLowerCase())
    throw refuse('TOKEN_WRONG_TENANT', 'The token belongs to another tenant.');
  const client = clientOf(payload);
  if (!clientIds.some((id) => id.toLowerCase() === client))
    throw refuse(
      'TOKEN_WRONG_CLIENT',
      'The token was issued to an application other than Keyward; sign in through the Keyward page.',
      { client: client === '' ? null : client },
    );
  if (str(payload.oid) === '') throw refuse('TOKEN_MALFORMED', "The token has no 'oid' claim (an app-only token?).");
  const caller: Caller = {
    oid: str(payload.oid),
    tid: str(payload.tid),
    name: str(payload.name),
    preferredUsername: str(payload.preferred_username),
    scopes: str(payload.scp)
      .split(' ')
      .filter((s) => s !== ''),
    roles: Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [],
  };
  if (!caller.scopes.includes(requiredScope)) {
    throw refuse('SCOPE_MISSING', `The token lacks the '${requiredScope}' scope of the relay API.`, {
      scope: requiredScope,
    });
  }
  return caller;
}

/** Creates the relay's token verifier. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verifyOptions = {
    algorithms: ['RS256'],
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSec ?? 60,
    requiredClaims: ['exp', 'iat'],
  };
  const verified = new VerifiedTokens();
  return {
    async verify(header) {
      const token = extractToken(header);
      const now = options.now?.() ?? new Date();
      const known = verified.get(token, now.getTime());
      if (known) return known;
      preflight(token);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(
          token,
          options.getKey,
          options.now ? { ...verifyOptions, currentDate: now } : verifyOptions,
        ));
      } catch (e) {
        throw mapJoseError(e);
      }
      const caller = toCaller(payload, options);
      verified.put(token, caller, (payload.exp ?? 0) * 1000);
      return caller;
    },
  };
}

/**
 * Tokens already verified, until they expire: an operator's burst of requests carries the same token, and
 * the RS256 check is most of the relay's own CPU per request (bench/relay-mail.ts). Bounded, oldest out.
 */
class VerifiedTokens {
  static readonly LIMIT = 1000;
  readonly #entries = new Map<string, { caller: Caller; expiresAt: number }>();

  get(token: string, now: number): Caller | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt > now) return entry.caller;
    this.#entries.delete(token);
    return undefined;
  }

  put(token: string, caller: Caller, expiresAt: number): void {
    if (this.#entries.size >= VerifiedTokens.LIMIT) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, { caller, expiresAt });
  }
}

/**
 * Refuses a caller without the app role, or without any of the roles when given several (a delegated
 * token carries the user's app roles in `roles`).
 *
 * @throws AppError('relay', 'ROLE_MISSING', …, { role }) with the roles space-separated.
 */
export function requireRole(caller: Caller, role: string | readonly string[]): void {
  const roles = typeof role === 'string' ? [role] : role;
  if (!roles.some((r) => caller.roles.includes(r))) {
    const named = roles.map((r) => `'${r}'`).join(' or ');
    throw refuse('ROLE_MISSING', `The signed-in user lacks the ${named} app role of the relay API.`, {
      role: roles.join(' '),
    });
  }
}

/**
 * The verifier for the relay's configuration, with keys from the tenant's JWKS; `jwks` tunes the key
 * source (a fetch that trusts another CA, no cooldown) and `clockToleranceSec` the time checks.
 */
export function createConfiguredVerifier(
  config: Pick<RelayConfig, 'issuer' | 'relayClientId' | 'tenantId' | 'requiredScope' | 'spaClientIds'>,
  jwks: Omit<JwksOptions, 'issuer'> = {},
  clockToleranceSec?: number,
): TokenVerifier {
  return createTokenVerifier({
    issuer: config.issuer,
    audience: config.relayClientId,
    tenantId: config.tenantId,
    requiredScope: config.requiredScope,
    clientIds: config.spaClientIds,
    getKey: createJwksKeySource({ issuer: config.issuer, ...jwks }),
    ...(clockToleranceSec === undefined ? {} : { clockToleranceSec }),
  });
}
