/**
 * Authentication middleware for relay routes: the caller's token is verified once per request and the
 * resulting {@link Caller} is kept on the context (`c.get('caller')`) for handlers and the request log.
 */
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import { AppError } from '../src/app-error';
import { requireRole, type Caller, type TokenVerifier } from './token';

/** Hono environment shared by the relay app and its sub-apps. */
export interface RelayEnv {
  Variables: {
    requestId: string;
    caller?: Caller;
  };
}

/** Requires a valid token with the relay's scope; any role is fine. */
export function requireCaller(verifier: TokenVerifier) {
  return createMiddleware<RelayEnv>(async (c, next) => {
    c.set('caller', await verifier.verify(c.req.header('Authorization')));
    await next();
  });
}

/**
 * Requires a valid token with the relay's scope and one of `roles` (app roles): the guard for every
 * route that reads or changes the system of record.
 */
export function requireRoles(verifier: TokenVerifier, roles: string | readonly string[]) {
  return createMiddleware<RelayEnv>(async (c, next) => {
    const caller = await verifier.verify(c.req.header('Authorization'));
    c.set('caller', caller);
    requireRole(caller, roles);
    await next();
  });
}

/**
 * Requires a valid token with the relay's scope and the operator app role: the guard for every
 * route that acts (e.g. `POST /api/mail`).
 */
export function requireOperator(verifier: TokenVerifier, operatorRole: string) {
  return requireRoles(verifier, operatorRole);
}

/** The authenticated caller; a programming error if the route forgot its auth middleware. */
export function getCaller(c: Context<RelayEnv>): Caller {
  const caller = c.get('caller');
  if (!caller) throw new AppError('relay', 'INTERNAL', 'Route reached without authentication middleware.');
  return caller;
}
