/**
 * Request validation with Zod through Hono's validator middleware: a body or query that does not match
 * its schema is a 400 in the relay's one error shape, naming each problem by its path. Zod's messages
 * name keys and expected types, never the values sent, so nothing secret is echoed.
 */
import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { AppError } from '../src/app-error';

function invalid(where: 'body' | 'query', issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  const problems = issues.map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : where}: ${i.message}`);
  return new AppError('relay', 'INVALID_REQUEST', `The request ${where} is not valid: ${problems.join('; ')}.`, {
    status: 400,
    problems,
  });
}

/** Validates the JSON body against `schema`; the handler reads it with `c.req.valid('json')`. */
export function validJson<T extends ZodType>(schema: T) {
  return zValidator('json', schema, (result) => {
    if (!result.success) throw invalid('body', result.error.issues);
  });
}

/** Validates the query string against `schema`; the handler reads it with `c.req.valid('query')`. */
export function validQuery<T extends ZodType>(schema: T) {
  return zValidator('query', schema, (result) => {
    if (!result.success) throw invalid('query', result.error.issues);
  });
}
