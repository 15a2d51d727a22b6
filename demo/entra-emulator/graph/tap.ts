/**
 * Temporary Access Pass routes (examples.md §1–§3):
 * `POST|GET /users/{id | userPrincipalName}/authentication/temporaryAccessPassMethods` and
 * `GET|DELETE …/temporaryAccessPassMethods/{methodId}`.
 *
 * Checks, in order: scope (403 accessDenied), target exists (404), role rules from tenant data
 * (roles.ts, 403 accessDenied), guest target (400 badRequest: Entra refuses TAP for external guests;
 * status and message are the emulator's choice), then the body and the policy (tap-store.ts).
 *
 * An app-only token (client credentials, the relay's TAP broker) may create a pass: the application
 * permission in its `roles` takes the place of the delegated scope and of the signed-in user's directory
 * role; every other rule (target, guest, body, one pass per user, lifetime bounds) is the same code.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { TenantUser } from '../tenant';
import { requireScope } from './auth';
import { requester, type GraphDeps, type GraphEnv } from './context';
import { graphError, missingScope, resourceNotFound } from './errors';
import { tapDenial } from './roles';
import type { CreateTapRequest } from './tap-store';

const WRITE_SCOPES = ['UserAuthMethod-TAP.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All'];
const READ_SCOPES = ['UserAuthMethod-TAP.Read.All', 'UserAuthenticationMethod.Read.All', ...WRITE_SCOPES];
const BODY_FIELDS = new Set(['startDateTime', 'lifetimeInMinutes', 'isUsableOnce', '@odata.type']);

/** Resolves the target user and applies scope and role rules (or an app's permissions); returns the target. */
function authorizeTarget(c: Context<GraphEnv>, deps: GraphDeps, access: 'read' | 'write'): TenantUser {
  const app = c.get('app');
  const permitted = access === 'write' ? WRITE_SCOPES : READ_SCOPES;
  if (app) {
    if (!permitted.some((p) => app.roles.has(p))) throw missingScope('accessDenied', permitted);
  } else requireScope(c, permitted, 'accessDenied');
  const key = c.req.param('key') ?? '';
  const target = deps.tenant.findUser(key);
  if (!target) throw resourceNotFound(key);
  const denial = app ? undefined : tapDenial(c.get('caller').user, target, access);
  if (denial) throw graphError(403, 'accessDenied', `Request Authorization failed. ${denial}`);
  return target;
}

/** Who asked, for the log: the signed-in user's UPN, or the app's client id. */

function badBody(message: string) {
  return graphError(400, 'badRequest', message);
}

/** Validates the create body (request body table, examples.md §1). */
export function parseCreateBody(raw: unknown): CreateTapRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw badBody('The request body must be a JSON object.');
  const body = raw as Record<string, unknown>;
  for (const name of Object.keys(body)) {
    if (!BODY_FIELDS.has(name)) {
      throw badBody(
        `The property '${name}' does not exist on type 'microsoft.graph.temporaryAccessPassAuthenticationMethod'.`,
      );
    }
  }
  const { startDateTime, lifetimeInMinutes, isUsableOnce } = body;
  if (startDateTime !== undefined && (typeof startDateTime !== 'string' || Number.isNaN(Date.parse(startDateTime)))) {
    throw badBody('Invalid StartDateTime specified.');
  }
  if (lifetimeInMinutes !== undefined && !Number.isInteger(lifetimeInMinutes))
    throw badBody('Invalid LifetimeInMinutes specified.');
  if (isUsableOnce !== undefined && typeof isUsableOnce !== 'boolean') throw badBody('Invalid IsUsableOnce specified.');
  return {
    ...(startDateTime !== undefined && { startDateTime: startDateTime as string }),
    ...(lifetimeInMinutes !== undefined && { lifetimeInMinutes: lifetimeInMinutes as number }),
    ...(isUsableOnce !== undefined && { isUsableOnce: isUsableOnce as boolean }),
  };
}

async function readJson(c: Context<GraphEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badBody(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}

function collectionContext(deps: GraphDeps, userId: string): string {
  return `${deps.graphBaseUrl}/v1.0/$metadata#users('${userId}')/authentication/temporaryAccessPassMethods`;
}

/** Routes under `/v1.0`. */
export function tapRoutes(deps: GraphDeps): Hono<GraphEnv> {
  const app = new Hono<GraphEnv>();
  const base = '/users/:key/authentication/temporaryAccessPassMethods';
  const limit = bodyLimit({
    maxSize: 4096,
    onError: () => {
      throw badBody('The request body is too large.');
    },
  });

  app.post(base, limit, async (c) => {
    const target = authorizeTarget(c, deps, 'write');
    if (target.userType === 'Guest')
      throw badBody('Temporary Access Pass cannot be created for an external (guest) user.');
    const record = deps.taps.create(target.id, parseCreateBody(await readJson(c)));
    deps.log(`graph: TAP ${record.id} created for ${target.userPrincipalName} by ${requester(c)}`);
    if (deps.faults.takeTimeout(target.id))
      throw graphError(504, 'GatewayTimeout', 'The request timed out before the service answered.');
    return c.json(
      { '@odata.context': `${collectionContext(deps, target.id)}/$entity`, ...deps.taps.view(record, true) },
      201,
    );
  });

  app.get(base, (c) => {
    const target = authorizeTarget(c, deps, 'read');
    const record = deps.taps.get(target.id);
    return c.json({
      '@odata.context': collectionContext(deps, target.id),
      value: record ? [deps.taps.view(record, false)] : [],
    });
  });

  app.get(`${base}/:methodId`, (c) => {
    const target = authorizeTarget(c, deps, 'read');
    const record = deps.taps.get(target.id);
    if (!record || record.id !== c.req.param('methodId'))
      throw graphError(404, 'itemNotFound', 'The requested authentication method was not found.');
    return c.json({
      '@odata.context': `${collectionContext(deps, target.id)}/$entity`,
      ...deps.taps.view(record, false),
    });
  });

  app.delete(`${base}/:methodId`, (c) => {
    const target = authorizeTarget(c, deps, 'write');
    if (!deps.taps.delete(target.id, c.req.param('methodId'))) {
      throw graphError(404, 'itemNotFound', 'The requested authentication method was not found.');
    }
    deps.log(`graph: TAP deleted for ${target.userPrincipalName}`);
    return c.body(null, 204);
  });
  return app;
}
