/**
 * Graph's error envelope (concepts/errors.md and concepts/aad-advanced-queries.md in
 * microsoftgraph/microsoft-graph-docs-contrib):
 * `{ "error": { "code", "message", "innerError": { "date", "request-id", "client-request-id" } } }`.
 *
 * Routes throw `AppError('graph-emulator', <Graph error code>, message, { status })`; the app's
 * `onError` turns it into the envelope. Messages never contain tokens or TAP codes.
 */
import { AppError, isAppError } from '../../../src/app-error';

/** The `AppError.layer` of Graph emulator errors. */
export const GRAPH_LAYER = 'graph-emulator';

/** An error Graph would answer with `status` and the Graph error `code`. */
export function graphError(
  status: number,
  code: string,
  message: string,
  fields: Record<string, unknown> = {},
): AppError {
  return new AppError(GRAPH_LAYER, code, message, { status, ...fields });
}

/** HTTP status of a Graph emulator error (500 for anything else). */
export function statusOf(err: unknown): number {
  return isAppError(err, GRAPH_LAYER) && typeof err.fields.status === 'number' ? err.fields.status : 500;
}

/** Graph's `innerError.date` format: UTC, seconds precision, no zone designator ("2021-05-18T19:03:10"). */
export function graphDate(now: Date): string {
  return now.toISOString().slice(0, 19);
}

/** The JSON body for an error. */
export function errorEnvelope(
  code: string,
  message: string,
  ids: { requestId: string; clientRequestId: string; now: Date },
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code,
      message,
      innerError: { date: graphDate(ids.now), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
    },
  };
}

/** 403 naming the delegated permissions that would have allowed the call (none of which the token has). */
export function missingScope(code: 'Authorization_RequestDenied' | 'accessDenied', anyOf: readonly string[]): AppError {
  const base =
    code === 'accessDenied' ? 'Request Authorization failed.' : 'Insufficient privileges to complete the operation.';
  return graphError(403, code, `${base} The access token lacks a required scope: one of ${anyOf.join(', ')}.`, {
    requiredScopes: [...anyOf],
  });
}

/** 404 for a user (or other object) `key` names that the tenant does not hold. */
export function resourceNotFound(key: string): AppError {
  return graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
  );
}
