/**
 * Bearer-token checks for the Graph emulator: a Graph-audience access token signed by this emulator's
 * key with its issuer, for a user of the tenant. Failures answer 401 `InvalidAuthenticationToken` with
 * the messages Graph uses; a relay token (aud = relay app id) therefore fails as "Invalid audience".
 */
import type { Context, MiddlewareHandler } from 'hono';
import { errors } from 'jose';
import { GRAPH_RESOURCE } from '../token-claims';
import type { AppCaller, GraphDeps, GraphEnv } from './context';
import { graphError, missingScope } from './errors';

function invalidToken(message: string) {
  return graphError(401, 'InvalidAuthenticationToken', message);
}

function describeVerifyFailure(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'Lifetime validation failed, the token is expired.';
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud')
    return 'Access token validation failure. Invalid audience.';
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'iss')
    return 'Access token validation failure. Invalid issuer.';
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return 'Access token validation failure. Invalid signature.';
  return 'Access token validation failure.';
}

/** Middleware: verifies the bearer token and sets `caller`. */
export function authenticate(deps: GraphDeps): MiddlewareHandler<GraphEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw invalidToken('Access token is empty.');
    let payload;
    try {
      payload = await deps.key.verify(token, { issuer: deps.issuer, audience: GRAPH_RESOURCE });
    } catch (err) {
      throw invalidToken(describeVerifyFailure(err));
    }
    if (payload.idtyp === 'app') {
      c.set('app', appCaller(c, deps, payload));
      return next();
    }
    const user = typeof payload.oid === 'string' ? deps.tenant.findUser(payload.oid) : undefined;
    if (!user || payload.tid !== deps.tenant.tenantId) throw invalidToken('Access token validation failure.');
    const scopes = new Set(typeof payload.scp === 'string' ? payload.scp.split(' ').filter(Boolean) : []);
    c.set('caller', { user, scopes });
    await next();
  };
}

/** Routes that accept app-only tokens (reading a user; creating a user's TAP); the others are delegated-only. */
const APP_ONLY_ROUTES = [
  { method: 'GET', path: /^\/(?:graph\/)?v1\.0\/users\/[^/]+$/ },
  { method: 'POST', path: /^\/(?:graph\/)?v1\.0\/users\/[^/]+\/authentication\/temporaryAccessPassMethods$/ },
];

/**
 * Checks an app-only token: this tenant, `roles` present. Graph answers `/me` with 400 for app-only
 * tokens; the emulator also refuses every route but `GET /users/{id}` and TAP creation (403) rather than
 * emulate more.
 */
function appCaller(c: Context<GraphEnv>, deps: GraphDeps, payload: Record<string, unknown>): AppCaller {
  if (payload.tid !== deps.tenant.tenantId || typeof payload.azp !== 'string')
    throw invalidToken('Access token validation failure.');
  const path = new URL(c.req.url).pathname;
  if (/\/v1\.0\/me(\/|$)/.test(path))
    throw graphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  if (!APP_ONLY_ROUTES.some((r) => r.method === c.req.method && r.path.test(path))) {
    throw graphError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation. (The emulator serves app-only tokens on GET /users/{id} and POST …/temporaryAccessPassMethods only.)',
    );
  }
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
  return { clientId: payload.azp, roles: new Set(roles) };
}

/** Throws 403 unless the caller's token has one of `anyOf`. */
export function requireScope(
  c: Context<GraphEnv>,
  anyOf: readonly string[],
  code: 'Authorization_RequestDenied' | 'accessDenied',
): void {
  const { scopes } = c.get('caller');
  if (!anyOf.some((s) => scopes.has(s))) throw missingScope(code, anyOf);
}

/** True when the caller's token has one of `anyOf`. */
export function hasScope(c: Context<GraphEnv>, anyOf: readonly string[]): boolean {
  const { scopes } = c.get('caller');
  return anyOf.some((s) => scopes.has(s));
}
