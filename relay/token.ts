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
import { jwtVerify, type JWTPayload } from 'jose';
import type { RelayConfig } from './config';
import { createJwksKeySource, type GetKey, type JwksOptions } from './jwks';
import { extractToken, mapJoseError, preflight, refuse, toCaller, type Caller } from './token-claims';

export type { Caller } from './token-claims';

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
