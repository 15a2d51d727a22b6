/**
 * Microsoft Graph JSON batching (`POST /$batch`, json-batching.md): up to 20 requests in one HTTP call,
 * answered with HTTP 200 and one `{ id, status, headers, body }` per request, in any order. Each item
 * succeeds or fails on its own: a throttled item has status 429 and its own `Retry-After`.
 *
 * The batch POST is never retried by the adapter (graph-adapter.ts retries GET and DELETE only): it may
 * hold pass creates, and a create must never be sent twice.
 */
import type { GraphTransport } from './graph-adapter';

/** Graph's limit on requests per batch. */
export const GRAPH_BATCH_LIMIT = 20;

/**
 * Asks Graph to favour these requests when it throttles ("Microsoft Graph throttling guidance",
 * `x-ms-throttle-priority`): user-initiated work, which a batch an operator is watching is.
 */
export const THROTTLE_PRIORITY_HEADERS = { 'x-ms-throttle-priority': 'high' } as const;

/** One request of a batch; `url` is relative to the version, e.g. `/users/{id}`. */
export interface BatchRequest {
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
}

/** One item's answer. */
export interface BatchItemResponse {
  readonly id: string;
  readonly status: number;
  /** Seconds from the item's `Retry-After`, when it has one. */
  readonly retryAfterSeconds?: number;
  readonly body: unknown;
}

interface RawItem {
  id?: unknown;
  status?: unknown;
  headers?: Record<string, unknown>;
  body?: unknown;
}

function retryAfterOf(headers: Record<string, unknown> | undefined): number | undefined {
  const entry = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after');
  const seconds = Number(entry?.[1]);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * Sends `requests` (1..20) as one batch with the throttle-priority header, on the batch and on each item.
 * Rejects with the transport's `AppError('entra', …)` when the batch as a whole fails (e.g. 429 with
 * `retryAfterSeconds`, 5xx, offline); resolves with one answer per request, matched by id.
 */
export async function sendBatch(
  graph: GraphTransport,
  requests: readonly BatchRequest[],
): Promise<BatchItemResponse[]> {
  if (requests.length === 0 || requests.length > GRAPH_BATCH_LIMIT)
    // A caller's mistake, never an answer from Graph: the executor always chunks by the limit.
    throw new RangeError(`A Graph batch holds 1 to ${GRAPH_BATCH_LIMIT} requests, not ${requests.length}.`);
  const res = await graph.call<{ responses?: RawItem[] }>({
    method: 'POST',
    path: '/$batch',
    headers: THROTTLE_PRIORITY_HEADERS,
    body: {
      requests: requests.map((r) => ({
        id: r.id,
        method: r.method,
        url: r.url,
        headers: {
          ...THROTTLE_PRIORITY_HEADERS,
          ...(r.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(r.body === undefined ? {} : { body: r.body }),
      })),
    },
  });
  const byId = new Map((res.responses ?? []).map((item) => [String(item.id), item]));
  return requests.map((r) => {
    const item = byId.get(r.id);
    // An item Graph did not answer is treated like a gateway timeout: its outcome is unknown.
    if (!item || typeof item.status !== 'number') return { id: r.id, status: 504, body: undefined };
    const retryAfterSeconds = retryAfterOf(item.headers);
    return {
      id: r.id,
      status: item.status,
      body: item.body,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  });
}

/** Graph's error envelope of a failed item, as words for a report ("code: message"). */
export function itemErrorText(item: BatchItemResponse): string {
  const error = (item.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${item.status}`;
  return typeof error?.code === 'string' ? `${error.code}: ${message}` : message;
}
