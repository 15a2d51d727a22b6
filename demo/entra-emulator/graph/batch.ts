/**
 * JSON batching (json-batching.md): `POST /v1.0/$batch` with `{ "requests": [{ id, method, url,
 * headers?, body? }] }`, at most 20 requests. Each request runs through this same Graph app (so every
 * rule, the write quota and the throttling switch apply per item) and is answered in
 * `{ "responses": [{ id, status, headers, body }] }` with HTTP 200, whatever the items' statuses: a
 * throttled item has status 429, a `Retry-After` in its `headers` and Graph's error envelope as `body`.
 * The batch itself can be refused as a whole (429 from the switch, 400 for a malformed payload).
 * `dependsOn` is not emulated (400). Messages for a malformed batch are the emulator's wording.
 */
import { Hono, type Context } from 'hono';
import { requester, type GraphDeps, type GraphEnv } from './context';
import { graphError } from './errors';

/** Graph's limit on requests per batch. */
export const MAX_BATCH_REQUESTS = 20;

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);
/** Item response headers the emulator passes on. */
const ITEM_HEADERS = ['Content-Type', 'Retry-After', 'Location'];
const PRIORITY = 'x-ms-throttle-priority';

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

const invalid = (message: string) => graphError(400, 'BadRequest', message);

/** Validates the payload; throws 400 for the whole batch as Graph does. */
export function parseBatch(raw: unknown): BatchItem[] {
  const requests = (raw as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw invalid('Invalid batch payload format.');
  if (requests.length > MAX_BATCH_REQUESTS)
    throw invalid(`The batch contains ${requests.length} requests; the limit is ${MAX_BATCH_REQUESTS}.`);
  const ids = new Set<string>();
  return requests.map((r: unknown) => {
    const o = (r ?? {}) as Record<string, unknown>;
    if (typeof o.id !== 'string' || o.id === '') throw invalid('Each batch request needs a string id.');
    if (ids.has(o.id)) throw invalid(`Batch request ids must be unique; '${o.id}' is used twice.`);
    ids.add(o.id);
    if (typeof o.method !== 'string' || !METHODS.has(o.method.toUpperCase()))
      throw invalid(`Batch request '${o.id}' has an unsupported method.`);
    if (typeof o.url !== 'string' || /^[a-z]+:/i.test(o.url))
      throw invalid(`Batch request '${o.id}' needs a url relative to the version, such as /users/{id}.`);
    if (o.dependsOn !== undefined) throw invalid('dependsOn is not supported by the emulator.');
    const headers = Object.fromEntries(
      Object.entries((o.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
    if (o.body !== undefined && !hasType)
      throw invalid(`Write request id : ${o.id} does not contain Content-Type header or body.`);
    return { id: o.id, method: o.method.toUpperCase(), url: o.url, headers, body: o.body };
  });
}

/** Runs `item` through the app as a request of its own. */
async function runItem(
  c: Context<GraphEnv>,
  dispatch: (req: Request) => Promise<Response>,
  item: BatchItem,
): Promise<Record<string, unknown>> {
  const outer = new URL(c.req.url);
  const prefix = outer.pathname.replace(/\/\$batch$/, '');
  const url = `${outer.origin}${prefix}${item.url.startsWith('/') ? '' : '/'}${item.url}`;
  const headers = new Headers(item.headers);
  headers.set('Authorization', c.req.header('authorization') ?? '');
  const res = await dispatch(
    new Request(url, {
      method: item.method,
      headers,
      body: item.body === undefined ? undefined : JSON.stringify(item.body),
    }),
  );
  const text = await res.text();
  const picked: Record<string, string> = {};
  for (const name of ITEM_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) picked[name] = value;
  }
  return { id: item.id, status: res.status, headers: picked, ...(text ? { body: JSON.parse(text) as unknown } : {}) };
}

/** Routes under `/v1.0`; `dispatch` sends an item through the whole Graph app, marked as a batch item. */
export function batchRoutes(deps: GraphDeps, dispatch: (req: Request) => Promise<Response>): Hono<GraphEnv> {
  const app = new Hono<GraphEnv>();
  app.post('/$batch', async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw invalid('Invalid batch payload format.');
    }
    const items = parseBatch(raw);
    const responses = [];
    for (const item of items) responses.push(await runItem(c, dispatch, item));
    // The priority Graph is asked for (x-ms-throttle-priority), on the batch and on how many items.
    const priority = c.req.header('x-ms-throttle-priority') ?? 'none';
    const prioritised = items.filter((i) => Object.keys(i.headers).some((k) => k.toLowerCase() === PRIORITY)).length;
    deps.log(`graph: $batch of ${items.length} by ${requester(c)}, priority ${priority}, on ${prioritised} items`);
    return c.json({ responses });
  });
  return app;
}
