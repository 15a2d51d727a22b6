/**
 * Graph failures as `AppError`s of layer `entra`, with what a person needs to act: the HTTP status,
 * Graph's own error code and message (they are written for administrators, e.g. "Invalid
 * LifetimeInMinutes…"), `Retry-After` on throttling, and the request id for a support ticket.
 * Whether a retry is safe is recorded too: a failed POST may have taken effect.
 */
import { AppError } from '../app-error';

/** The codes this module produces. */
export type GraphErrorCode =
  | 'GRAPH_UNAUTHORIZED'
  | 'GRAPH_FORBIDDEN'
  | 'GRAPH_BAD_REQUEST'
  | 'GRAPH_NOT_FOUND'
  | 'GRAPH_THROTTLED'
  | 'GRAPH_UNAVAILABLE'
  | 'GRAPH_OFFLINE'
  | 'GRAPH_FAILED';

interface GraphErrorLike {
  statusCode?: number;
  code?: string | null;
  message?: string;
  requestId?: string | null;
  headers?: Headers;
  body?: unknown;
}

function codeForStatus(status: number): GraphErrorCode {
  if (status === 401) return 'GRAPH_UNAUTHORIZED';
  if (status === 403) return 'GRAPH_FORBIDDEN';
  if (status === 404) return 'GRAPH_NOT_FOUND';
  if (status === 429) return 'GRAPH_THROTTLED';
  if (status >= 500) return 'GRAPH_UNAVAILABLE';
  if (status >= 400) return 'GRAPH_BAD_REQUEST';
  return 'GRAPH_FAILED';
}

/** Maps whatever the Graph client threw (GraphError, GraphClientError, a fetch TypeError) to an AppError. */
export function graphErrorToAppError(e: unknown, method: string): AppError {
  if (e instanceof AppError) return e;
  const g = (e ?? {}) as GraphErrorLike;
  const status = typeof g.statusCode === 'number' && g.statusCode > 0 ? g.statusCode : 0;
  if (!status) {
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    const code: GraphErrorCode = offline || e instanceof TypeError ? 'GRAPH_OFFLINE' : 'GRAPH_FAILED';
    return new AppError(
      'entra',
      code,
      `Microsoft Graph could not be reached (${g.message ?? 'network error'}).`,
      { method, retrySafe: method !== 'POST' },
      { cause: e },
    );
  }
  const retryAfter = Number(g.headers?.get?.('Retry-After'));
  return new AppError(
    'entra',
    codeForStatus(status),
    g.message || `Microsoft Graph answered HTTP ${status}.`,
    {
      status,
      graphCode: g.code ?? undefined,
      graphMessage: g.message || undefined,
      requestId: g.requestId ?? undefined,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      // A 4xx other than 429 means nothing happened; a 5xx or timeout on POST may have.
      retrySafe: method !== 'POST' || (status >= 400 && status < 500),
      method,
    },
    { cause: e },
  );
}
