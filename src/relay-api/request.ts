/**
 * The one place the browser talks HTTP to the relay: every client in this folder goes through
 * `relayCall`, so each answer is checked against the contract (contract.ts) and each failure becomes the
 * same `AppError('relay-api', code)` with the relay's own code, whatever route it came from.
 *
 * Request bodies may carry a TAP code (mail values): they travel in the body only, never in a URL, a
 * message or an error field.
 */
import type { z } from 'zod';
import { AppError } from '../app-error';

/** Where the relay is and how to get a token for its API scope (never a Graph token). */
export interface RelayEndpoint {
  readonly url: string;
  token(): Promise<string>;
  /** For tests: the fetch to use instead of the page's. */
  readonly fetch?: typeof fetch;
}

/** One call: method, path, and what to send. */
export interface RelayCall<S extends z.ZodType> {
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  /** Query parameters; undefined, null and empty values are left out. */
  readonly query?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
  /** Makes a retried POST safe: the relay answers a repeat with the first answer. */
  readonly idempotencyKey?: string;
  /** Gives up waiting for the answer after this many ms (RELAY_TIMEOUT); the relay's own deadlines are shorter. */
  readonly timeoutMs?: number;
  /** The contract's schema for a 2xx answer. */
  readonly answer: S;
}

/** The relay's error body (relay/http-errors.ts). */
interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    retryable?: boolean;
    requestId?: string;
    current?: unknown;
    problems?: string[];
    tlsCause?: string;
  };
}

function urlOf(endpoint: RelayEndpoint, path: string, query: RelayCall<z.ZodType>['query']): URL {
  const url = new URL(path, endpoint.url);
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  return url;
}

function refusal(res: Response, json: ErrorBody): AppError {
  const e = json.error ?? {};
  const retryAfter = Number(res.headers.get('Retry-After'));
  return new AppError(
    'relay-api',
    e.code ?? `HTTP_${res.status}`,
    e.message ?? `The relay answered HTTP ${res.status}.`,
    {
      status: res.status,
      retryable: e.retryable === true || res.status === 503,
      requestId: e.requestId,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      current: e.current,
      problems: e.problems,
      tlsCause: e.tlsCause,
    },
  );
}

/** Sends one request and returns the relay's 2xx response; a refusal or no answer becomes an `AppError`. */
async function send(endpoint: RelayEndpoint, call: Omit<RelayCall<z.ZodType>, 'answer'>): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${await endpoint.token()}` };
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';
  if (call.idempotencyKey) headers['Idempotency-Key'] = call.idempotencyKey;
  const method = call.method ?? (call.body === undefined ? 'GET' : 'POST');
  let res: Response;
  try {
    res = await (endpoint.fetch ?? fetch)(urlOf(endpoint, call.path, call.query), {
      method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      ...(call.timeoutMs !== undefined ? { signal: AbortSignal.timeout(call.timeoutMs) } : {}),
    });
  } catch (cause) {
    const retryable = method === 'GET' || Boolean(call.idempotencyKey);
    if (cause instanceof DOMException && cause.name === 'TimeoutError')
      throw new AppError(
        'relay-api',
        'RELAY_TIMEOUT',
        `The relay at ${endpoint.url} gave no answer within ${Math.ceil(call.timeoutMs! / 1000)} s.`,
        { relayUrl: endpoint.url, retryable, timeoutSeconds: Math.ceil(call.timeoutMs! / 1000) },
        { cause },
      );
    // Nothing reached the relay, or its answer was lost: only an idempotent request is safe to repeat.
    throw new AppError(
      'relay-api',
      'RELAY_UNREACHABLE',
      `The relay at ${endpoint.url} did not answer.`,
      { relayUrl: endpoint.url, retryable },
      { cause },
    );
  }
  if (!res.ok) throw refusal(res, (await res.json().catch(() => ({}))) as ErrorBody);
  return res;
}

/** Sends one request to the relay and returns its answer, checked against `call.answer`. */
export async function relayCall<S extends z.ZodType>(endpoint: RelayEndpoint, call: RelayCall<S>): Promise<z.infer<S>> {
  const res = await send(endpoint, call);
  const parsed = call.answer.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success)
    throw new AppError('relay-api', 'RELAY_ANSWER_INVALID', `The relay answered ${call.path} in an unexpected shape.`, {
      status: res.status,
    });
  return parsed.data;
}

/** Sends one GET and returns the answer's text (a CSV export). */
export async function relayText(
  endpoint: RelayEndpoint,
  call: Omit<RelayCall<z.ZodType>, 'answer' | 'body'>,
): Promise<string> {
  return (await send(endpoint, call)).text();
}
