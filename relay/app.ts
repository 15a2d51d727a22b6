/**
 * The relay's HTTP app. `createApp(deps)` builds it without any I/O so tests drive it with
 * `app.request()`; relay/server.ts serves it.
 *
 * Each resource is a sub-app mounted with `app.route()` (`/api/whoami`, `/api/cards`, `/api/templates`, …) and all of
 * them share the cross-cutting parts set up here: request id, one log line per request, secure headers,
 * CORS for the configured page origins, a body limit and the single JSON error shape.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import packageJson from '../package.json' with { type: 'json' };
import { AppError, isAppError } from '../src/app-error';
import type { WhoAmI } from '../src/relay-api/contract';
import { createAuditRecorder } from './audit/record';
import { auditRoutes } from './audit/routes';
import { batchMailAllowance } from './batches/mail-allowance';
import { batchRoutes } from './batches/routes';
import { getCaller, requireCaller, type RelayEnv } from './auth';
import { cardKeyRoutes } from './card-keys/routes';
import { createCardKeyVault, type CardKeyVault } from './card-keys/vault';
import { cardRoutes } from './cards/routes';
import type { RelayConfig } from './config';
import { databaseUnavailable, type RelayDatabase } from './db/connect';
import { toErrorResponse } from './http-errors';
import type { Logger } from './log';
import { mailRoutes } from './mail/routes';
import { createDatabaseRateLimiter } from './mail/rate-limit-db';
import { selfServiceRoutes } from './self-service/routes';
import type { MailServices } from './mail/services';
import { templateRoutes } from './templates/routes';
import type { TokenVerifier } from './token';

/** Everything the app needs from outside. */
export interface RelayDeps {
  config: RelayConfig;
  verifier: TokenVerifier;
  log: Logger;
  /** Monotonic milliseconds, for request durations; defaults to `performance.now`. */
  now?: () => number;
  /** Reported by `/healthz`; defaults to package.json's version. */
  version?: string;
  /** Graph directory, SMTP mailer, idempotency store and rate limiter; without them `/api/mail` is not mounted. */
  mail?: MailServices;
  /** The system of record (relay/db); `/readyz` checks it, and the resources stored in it need it. */
  database?: RelayDatabase;
  /** The card master key; by default one over `database` with the configured KEK (none without a KEK). */
  vault?: CardKeyVault;
  /** Wall clock in ms for self-service nonces; defaults to `Date.now`. */
  clock?: () => number;
}

/** Request bodies above this are refused with 413 before any handler reads them. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** `GET /api/whoami` (contract `WhoAmI`): who the relay thinks the caller is, and what their roles allow. */
function whoamiRoutes(deps: RelayDeps): Hono<RelayEnv> {
  const { operatorRole, administratorRole, auditorRole } = deps.config;
  return new Hono<RelayEnv>().get('/', requireCaller(deps.verifier), (c) => {
    const caller = getCaller(c);
    // Deliberately no ROLE_MISSING here: the PWA uses the answer to explain a missing role.
    return c.json({
      ...caller,
      isOperator: caller.roles.includes(operatorRole),
      isAdministrator: caller.roles.includes(administratorRole),
      isAuditor: caller.roles.includes(auditorRole),
    } satisfies WhoAmI);
  });
}

/** Response headers a page on an allowed origin may read. */
const EXPOSE_HEADERS = ['X-Request-Id', 'WWW-Authenticate', 'Retry-After', 'Idempotent-Replayed'];

/**
 * CORS for the configured page origins. Preflights go to hono/cors. Actual requests get the same headers
 * hono/cors gives them (allow-origin when allowed, expose-headers, `Vary: Origin`), but set on the
 * finished response: hono/cors sets them on `c.res` before the handler runs, which makes Hono create a
 * response early and then rebuild the handler's response around it, and on @hono/node-server that turns
 * every JSON body into a web stream. That and the body limit's stream (below) were about a third of the
 * relay's CPU per message (relay/mail/README.md, Performance).
 */
function corsGrant(allowedOrigins: readonly string[]): MiddlewareHandler<RelayEnv> {
  const preflight = cors({
    origin: (origin) => (allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
  const expose = EXPOSE_HEADERS.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    // Runs after onError too (Hono answers a thrown error inside next()), so error bodies stay readable.
    const origin = c.req.header('Origin') ?? '';
    const headers = c.res.headers;
    if (allowedOrigins.includes(origin)) headers.set('Access-Control-Allow-Origin', origin);
    headers.set('Access-Control-Expose-Headers', expose);
    headers.append('Vary', 'Origin');
  };
}

const bodyTooLarge = (): never => {
  throw new AppError('relay', 'BODY_TOO_LARGE', `Request bodies are limited to ${BODY_LIMIT_BYTES} bytes.`, {
    limit: BODY_LIMIT_BYTES,
  });
};

/**
 * The body limit. A body with a Content-Length (and no Transfer-Encoding) is judged by that header, as
 * hono/body-limit does, but without touching `c.req.raw.body`: on @hono/node-server reading that property
 * builds a full web Request with a stream over the socket, where `c.req.json()` alone would read the
 * socket directly. Node's HTTP parser never delivers more than Content-Length bytes. Bodies of unknown
 * length go through hono/body-limit, which counts while reading.
 */
function limitBody(): MiddlewareHandler<RelayEnv> {
  const counted = bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: bodyTooLarge });
  return async (c, next) => {
    // GET and HEAD requests carry no body on @hono/node-server or in the Fetch API.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('Content-Length');
    if (length === undefined || c.req.header('Transfer-Encoding') !== undefined) return counted(c, next);
    return Number.parseInt(length, 10) > BODY_LIMIT_BYTES ? bodyTooLarge() : next();
  };
}

/** Installs request id, request log, secure headers, CORS and the body limit. */
function useCrossCutting(app: Hono<RelayEnv>, deps: RelayDeps): void {
  const now = deps.now ?? (() => performance.now());
  // Our own ids are UUIDs; a client's id is kept only if short and made of [A-Za-z0-9_=-].
  app.use(requestId({ limitLength: 128 }));
  app.use(async (c, next) => {
    const start = now();
    await next();
    deps.log.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      // The path only: query strings could carry secrets and bodies never belong in logs.
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((now() - start) * 10) / 10,
      callerOid: c.get('caller')?.oid ?? null,
      errorCode: isAppError(c.error) ? c.error.code : undefined,
    });
  });
  app.use(secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } }));
  app.use(corsGrant(deps.config.allowedOrigins));
  app.use(limitBody());
}

/** `/api/card-keys`, and `/api/self-service` when Graph and mail are configured too. */
function mountCardKeys(
  app: Hono<RelayEnv>,
  deps: RelayDeps,
  store: Pick<RelayDeps, 'config' | 'verifier'> & { db: RelayDatabase['db'] },
) {
  const { config, db } = store;
  const audit = createAuditRecorder(db);
  const vault = deps.vault ?? (config.kek ? createCardKeyVault(db, config.kek) : undefined);
  app.route('/api/card-keys', cardKeyRoutes({ ...store, vault, audit }));
  if (!deps.mail) return;
  const { directory, broker, templates, mailer } = deps.mail;
  const limiter = createDatabaseRateLimiter(db, {
    perMinute: config.selfServiceRatePerMinute,
    table: 'self_service_rate',
  });
  app.route(
    '/api/self-service',
    selfServiceRoutes({
      ...store,
      directory,
      broker,
      mail: { config, db, templates, mailer },
      vault,
      limiter,
      audit,
      ...(deps.clock ? { now: deps.clock } : {}),
    }),
  );
}

/** Builds the relay app. Later resources mount with `app.route('/api/<name>', subApp)`. */
export function createApp(deps: RelayDeps): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>();
  useCrossCutting(app, deps);
  app.onError((thrown, c) => {
    const requestId = c.get('requestId') ?? 'unknown';
    // A database that went away mid-request is a 503 worth retrying, whichever query noticed it.
    const err = !isAppError(thrown) && deps.database?.isUnavailable(thrown) ? databaseUnavailable(thrown) : thrown;
    if (!isAppError(err) && !(err instanceof HTTPException)) {
      // Only the name: an unknown error's message might quote a header, a body or a credential.
      deps.log.error('unhandled error', { requestId, errorName: err instanceof Error ? err.name : typeof err });
    }
    const { status, headers, body } = toErrorResponse(err, requestId);
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    if (isAppError(err) && typeof err.fields.retryAfterSeconds === 'number')
      c.header('Retry-After', String(err.fields.retryAfterSeconds));
    // http-errors.ts knows no 409; the mail routes' idempotency conflicts name it in fields.status.
    if (isAppError(err) && err.fields.status === 409) return c.json(body, 409);
    return c.json(body, status);
  });
  app.notFound((c) =>
    c.json(
      toErrorResponse(new AppError('relay', 'NOT_FOUND', 'No such route.', { status: 404 }), c.get('requestId')).body,
      404,
    ),
  );
  app.get('/healthz', (c) => c.json({ status: 'ok', version: deps.version ?? packageJson.version }));
  // Readiness, for a load balancer: this instance can serve only while its database answers.
  app.get('/readyz', async (c) => {
    await deps.database?.ping();
    return c.json({ status: 'ready', database: deps.database?.kind ?? 'none' });
  });
  app.route('/api/whoami', whoamiRoutes(deps));
  if (deps.database) {
    const store = { config: deps.config, verifier: deps.verifier, db: deps.database.db };
    app.route('/api/audit', auditRoutes(store));
    app.route('/api/cards', cardRoutes(store));
    app.route('/api/templates', templateRoutes(store));
    app.route('/api/batches', batchRoutes(store));
    mountCardKeys(app, deps, store);
  }
  if (deps.mail) {
    const batchMail = deps.database ? batchMailAllowance(deps.database.db) : undefined;
    const mail = { ...deps.mail, config: deps.config, verifier: deps.verifier, log: deps.log };
    app.route('/api/mail', mailRoutes({ ...mail, ...(batchMail ? { batchMail } : {}) }));
  }
  return app;
}
