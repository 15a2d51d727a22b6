/**
 * What the relay's token verifier (token.ts) checks a bearer token for, before and after jose verifies
 * it: the header's shape, an early refusal of other algorithms and of Graph tokens, jose's failures as
 * the relay's codes, and Entra's own claims (version, tenant, client, object id, scope) as the caller.
 * Refusal messages never contain the token.
 */
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose';
import { AppError } from '../src/app-error';

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

/** Both spellings of Microsoft Graph's audience (resource URI and well-known app id). */
const GRAPH_AUDIENCES = new Set([
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  '00000003-0000-0000-c000-000000000000',
]);

export const refuse = (code: string, message: string, fields: Record<string, unknown> = {}, cause?: unknown) =>
  new AppError('relay', code, message, fields, cause === undefined ? undefined : { cause });

/** Extracts the compact JWT from `Bearer <jwt>` (RFC 6750 §2.1). */
export function extractToken(header: string | undefined | null): string {
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
export function preflight(token: string): void {
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
export function mapJoseError(e: unknown): AppError {
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
export function toCaller(
  payload: JWTPayload,
  options: { tenantId: string; requiredScope: string; clientIds: readonly string[] },
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
