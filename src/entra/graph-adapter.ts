/**
 * The one adapter around `@microsoft/microsoft-graph-client`. Callers describe a call; this sends it with
 * the operator's token and turns every failure into an `AppError` (graph-errors.ts).
 *
 * Retries: only idempotent calls (GET, DELETE) are retried, on 429/503/504, honouring `Retry-After`.
 * A POST is never retried: a retried TAP create silently replaces a pass already shown (DESIGN.md).
 */
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  type AuthenticationProvider,
} from '@microsoft/microsoft-graph-client';
import { graphErrorToAppError } from './graph-errors';

/** One Graph request. `path` is relative to the version, e.g. `/users/{id}`. */
export interface GraphCall {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** Sends Graph calls; rejects with `AppError('entra', …)`. */
export interface GraphTransport {
  call<T>(call: GraphCall): Promise<T>;
  /** Follows an `@odata.nextLink` (an absolute URL Graph returned), with the first request's headers. */
  next<T>(nextLink: string, headers?: Readonly<Record<string, string>>): Promise<T>;
}

/** Options for {@link createGraphTransport}. */
export interface GraphTransportOptions {
  /** e.g. `https://graph.microsoft.com` (the emulator: `https://localhost:8443/graph`). */
  readonly baseUrl: string;
  /** A Graph-audience access token for the signed-in operator. */
  readonly getToken: () => Promise<string>;
  /** Retries for idempotent calls (default 2). */
  readonly maxRetries?: number;
}

const IDEMPOTENT = new Set(['GET', 'DELETE', 'HEAD']);

/** Builds the Graph client with Keyward's middleware chain: auth → retry (idempotent only) → fetch. */
export function createGraphTransport(opts: GraphTransportOptions): GraphTransport {
  const authProvider: AuthenticationProvider = { getAccessToken: () => opts.getToken() };
  const retry = new RetryHandlerOptions(1, opts.maxRetries ?? 2, (_delay, _attempt, request, options) => {
    const method = (options?.method ?? (request instanceof Request ? request.method : 'GET')).toUpperCase();
    return IDEMPOTENT.has(method);
  });
  const auth = new AuthenticationHandler(authProvider);
  const retryHandler = new RetryHandler(retry);
  auth.setNext(retryHandler);
  retryHandler.setNext(new HTTPMessageHandler());
  const base = new URL(opts.baseUrl);
  const client = Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${opts.baseUrl.replace(/\/$/, '')}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([base.hostname]),
  });

  /**
   * Gets the token before the request. The Graph client would get it too (the auth middleware, from the
   * cache by then), but it wraps a failure into a GraphError without its cause, so a sign-in problem
   * (consent missing, a closed sign-in window) would read as "Graph could not be reached".
   */
  const tokenFirst = async (): Promise<void> => void (await opts.getToken());

  async function send<T>(call: GraphCall): Promise<T> {
    await tokenFirst();
    let req = client.api(call.path);
    if (call.query) req = req.query({ ...call.query });
    if (call.headers) req = req.headers({ ...call.headers });
    try {
      if (call.method === 'GET') return (await req.get()) as T;
      if (call.method === 'POST') return (await req.post(call.body ?? {})) as T;
      return (await req.delete()) as T;
    } catch (e) {
      throw graphErrorToAppError(e, call.method);
    }
  }

  return {
    call: send,
    async next<T>(nextLink: string, headers: Readonly<Record<string, string>> = {}): Promise<T> {
      const url = new URL(nextLink);
      if (url.origin !== base.origin)
        throw graphErrorToAppError(new Error(`nextLink to another host: ${url.origin}`), 'GET');
      await tokenFirst();
      return client
        .api(nextLink)
        .headers({ ...headers })
        .get()
        .catch((e: unknown) => {
          throw graphErrorToAppError(e, 'GET');
        }) as Promise<T>;
    },
  };
}
