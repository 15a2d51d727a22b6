/**
 * The Microsoft Graph v1.0 subset Keyward uses, as a Hono app (index.ts gives it the base path
 * `/graph`). Middleware order: CORS (answers preflights) → request ids → access log → 429 switch →
 * bearer token → write quota → routes. `$batch` items run through the whole chain again. Every error leaves through `onError` in Graph's envelope.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { isAppError } from '../../../src/app-error';
import { authenticate } from './auth';
import { batchRoutes } from './batch';
import type { GraphDeps, GraphEnv } from './context';
import { errorEnvelope, graphError, GRAPH_LAYER, statusOf } from './errors';
import { groupRoutes } from './groups';
import { policyRoutes } from './policy';
import { tapRoutes } from './tap';
import { userRoutes } from './users';

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Graph's words for a throttled request and for one past the identity write quota. */
const THROTTLED = 'Too many requests. Please retry after the number of seconds in the Retry-After header.';
const OVER_WRITE_QUOTA =
  'Too many requests. The application exceeded its identity write quota; retry after the number of seconds in the Retry-After header.';

/**
 * Builds the Graph app with routes under `${basePath}/v1.0`; drive it with `app.request('/v1.0/me', …)`
 * in tests. The base path is part of the app (not a parent's `route()`) so its 404 envelope applies.
 */
export function createGraphApp(deps: GraphDeps, basePath = ''): Hono<GraphEnv> {
  const app = basePath ? new Hono<GraphEnv>().basePath(basePath) : new Hono<GraphEnv>();
  app.use(
    '*',
    cors({
      origin: (origin) => (deps.corsOrigins.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
      allowHeaders: [
        'Authorization',
        'ConsistencyLevel',
        'Content-Type',
        'client-request-id',
        'return-client-request-id',
        'Prefer',
        // The Graph client's RetryHandler numbers its retries of a GET or DELETE in this header.
        'Retry-Attempt',
        'x-ms-throttle-priority',
      ],
      exposeHeaders: ['Retry-After', 'request-id', 'client-request-id', 'Location'],
      maxAge: 600,
    }),
  );
  app.use('*', async (c, next) => {
    const requestId = crypto.randomUUID();
    const clientRequestId = c.req.header('client-request-id') ?? requestId;
    c.set('requestId', requestId);
    c.set('clientRequestId', clientRequestId);
    c.header('request-id', requestId);
    c.header('client-request-id', clientRequestId);
    await next();
    // Path only: the query can hold search text but never secrets; bodies and tokens are never logged.
    deps.log(`graph ${c.req.method} ${new URL(c.req.url).pathname} ${c.res.status}`);
  });
  app.use(
    '*',
    retryLater((c) => (c.env?.batchItem ? deps.throttle.takeItem() : deps.throttle.take(c.req.method)), THROTTLED),
  );
  app.use('*', authenticate(deps));
  app.use(
    '*',
    retryLater((c) => {
      const write = WRITE_METHODS.has(c.req.method) && !c.req.path.endsWith('/$batch');
      return write ? deps.quota.take((c.get('app') ?? c.get('caller')).clientId) : undefined;
    }, OVER_WRITE_QUOTA),
  );
  app.route(
    '/v1.0',
    batchRoutes(deps, async (req) => app.fetch(req, { batchItem: true })),
  );
  app.route('/v1.0', groupRoutes(deps));
  app.route('/v1.0', userRoutes(deps));
  app.route('/v1.0', tapRoutes(deps));
  app.route('/v1.0', policyRoutes(deps));

  app.notFound((c) =>
    errorResponse(c, deps, graphError(400, 'BadRequest', 'Resource not found for the segment in the request URL.')),
  );
  app.onError((err, c) => errorResponse(c, deps, err));
  return app;
}

/**
 * Middleware that answers Graph's 429 with `Retry-After` when `take` gives the seconds to wait (the 429
 * switch, the write quota), and passes the request on when it gives none.
 */
function retryLater(take: (c: Context<GraphEnv>) => number | undefined, message: string): MiddlewareHandler<GraphEnv> {
  return async (c, next) => {
    const retryAfter = take(c);
    if (retryAfter === undefined) return next();
    c.header('Retry-After', String(retryAfter));
    throw graphError(429, 'TooManyRequests', message);
  };
}

function errorResponse(c: Context<GraphEnv>, deps: GraphDeps, err: Error): Response {
  const known = isAppError(err, GRAPH_LAYER);
  if (!known) deps.log(`graph internal error: ${err.name}`);
  const status = statusOf(err);
  if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="", error="invalid_token"');
  const body = errorEnvelope(
    known ? err.code : 'generalException',
    known ? err.message : 'An internal server error occurred.',
    {
      requestId: c.get('requestId') ?? crypto.randomUUID(),
      clientRequestId: c.get('clientRequestId') ?? crypto.randomUUID(),
      now: deps.now(),
    },
  );
  return c.json(body, status as 400);
}
