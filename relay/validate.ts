/**
 * Request validation with Zod through Hono's validator middleware: a body, query or path that does not
 * match its schema is a 400 in the relay's one error shape, naming each problem by its path. Zod's
 * messages name keys and expected types, never the values sent, so nothing secret is echoed.
 */
import { zValidator } from '@hono/zod-validator';
import type { z, ZodType } from 'zod';
import { AppError } from '../src/app-error';

type Issues = readonly { path: readonly PropertyKey[]; message: string; code?: string; params?: unknown }[];

/** Longest problem line: a crafted key cannot make an answer (or a log line quoting it) large. */
const MAX_PROBLEM = 300;

/**
 * The first issue that names the relay's answer itself: a custom issue whose `params.code` is an
 * error code (e.g. `RESERVED_VARIABLE` in the contract's `MailValues`), its other params as fields.
 */
export function codedRefusal(issues: Issues): AppError | undefined {
  for (const issue of issues) {
    const params = issue.params as { code?: unknown } | undefined;
    if (issue.code !== 'custom' || typeof params?.code !== 'string') continue;
    const { code, ...fields } = params;
    return new AppError('relay', code, issue.message, { status: 400, ...fields });
  }
  return undefined;
}

/** Each issue as `path: message`, the path prefixed by `prefix` (`where` alone when the issue has none). */
export function problemList(issues: Issues, where: string, prefix: readonly PropertyKey[] = []): string[] {
  return issues.map((i) => {
    const path = [...prefix, ...i.path];
    return `${path.length > 0 ? path.map(String).join('.') : where}: ${i.message}`.slice(0, MAX_PROBLEM);
  });
}

function invalid(where: 'body' | 'query' | 'path', issues: Issues) {
  const coded = codedRefusal(issues);
  if (coded) return coded;
  const problems = problemList(issues, where);
  return new AppError('relay', 'INVALID_REQUEST', `The request ${where} is not valid: ${problems.join('; ')}.`, {
    status: 400,
    problems,
  });
}

/**
 * Parses a body (or the part of one at `prefix`) with `schema`.
 *
 * @throws AppError('relay', 'INVALID_BODY', …, { status: 400, problems }) listing every problem.
 */
export function parseBody<T extends ZodType>(schema: T, value: unknown, prefix: readonly string[] = []): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = problemList(result.error.issues, 'body', prefix);
  throw new AppError('relay', 'INVALID_BODY', `The request body is invalid: ${problems.join('; ')}.`, {
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

/** Validates the path parameters against `schema`; the handler reads them with `c.req.valid('param')`. */
export function validParam<T extends ZodType>(schema: T) {
  return zValidator('param', schema, (result) => {
    if (!result.success) throw invalid('path', result.error.issues);
  });
}
