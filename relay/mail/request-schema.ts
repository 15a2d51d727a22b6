/**
 * The schema of `POST /api/mail` bodies and of the `Idempotency-Key` header.
 *
 * Written as a small declarative table rather than with a schema library (none is a dependency): every
 * field has a type and a length bound, unknown fields are refused, and the user variables the relay
 * fills from Graph and the token (`DisplayName`, …, `OperatorName`) are refused when a client sends them.
 * Problems are listed together in one `AppError('relay', 'INVALID_BODY', …, { problems })`; values are
 * never quoted (they may hold a TAP code).
 */
import { AppError } from '../../src/app-error';
import {
  TEMPLATE_VARIABLES,
  type EmailTemplateParts,
  type TemplateValues,
  type TemplateVariable,
} from '../../src/mail/template';

/** Variables the relay fills itself: from the Graph user and from the caller's token. */
export const SERVER_FILLED_VARIABLES = [
  'DisplayName',
  'GivenName',
  'Surname',
  'UserPrincipalName',
  'Mail',
  'OperatorName',
] as const satisfies readonly TemplateVariable[];

/** The template as the browser sends it (a data-export email template). */
export interface MailTemplate extends EmailTemplateParts {
  readonly name: string;
}

/** A validated `POST /api/mail` body. */
export interface MailRequest {
  readonly template: MailTemplate;
  readonly targetUserId: string;
  /** Client-supplied values: TAP and card variables only. */
  readonly values: TemplateValues;
}

type FieldRule = { required: boolean; max: number };

/** Bounds per template field, in UTF-16 code units (the body limit caps the total anyway). */
const TEMPLATE_FIELDS: Readonly<Record<keyof MailTemplate, FieldRule>> = {
  name: { required: true, max: 200 },
  to: { required: true, max: 1000 },
  cc: { required: false, max: 1000 },
  subject: { required: true, max: 500 },
  text: { required: true, max: 32_000 },
  html: { required: false, max: 48_000 },
};
const TOP_FIELDS = new Set(['template', 'targetUserId', 'values']);
const MAX_VALUE_LENGTH = 1000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,128}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
const SERVER_FILLED: ReadonlySet<string> = new Set(SERVER_FILLED_VARIABLES);

function checkTemplate(raw: unknown, problems: string[]): MailTemplate {
  const out: Record<string, string> = {};
  if (!isObject(raw)) {
    problems.push('template must be an object');
    return out as unknown as MailTemplate;
  }
  for (const key of Object.keys(raw))
    if (!has(TEMPLATE_FIELDS, key)) problems.push(`template.${key.slice(0, 64)} is not a known field`);
  for (const [key, rule] of Object.entries(TEMPLATE_FIELDS)) {
    const value = raw[key];
    if (value === undefined) {
      if (rule.required) problems.push(`template.${key} is required`);
    } else if (typeof value !== 'string') {
      problems.push(`template.${key} must be a string`);
    } else if (value.length > rule.max) {
      problems.push(`template.${key} is longer than ${rule.max} characters`);
    } else {
      out[key] = value;
    }
  }
  if (out.name !== undefined && out.name.trim() === '') problems.push('template.name must not be blank');
  return out as unknown as MailTemplate;
}

function checkValues(raw: unknown, problems: string[], reserved: string[]): TemplateValues {
  // A null-prototype copy: nothing a client sends can reach Object.prototype or shadow its members.
  const out = Object.create(null) as Record<string, string>;
  if (raw === undefined) return out;
  if (!isObject(raw)) {
    problems.push('values must be an object of strings');
    return out;
  }
  for (const [key, value] of Object.entries(raw)) {
    if (SERVER_FILLED.has(key)) reserved.push(key);
    else if (!has(TEMPLATE_VARIABLES, key)) problems.push(`values.${key.slice(0, 64)} is not a template variable`);
    else if (typeof value !== 'string') problems.push(`values.${key} must be a string`);
    else if (value.length > MAX_VALUE_LENGTH)
      problems.push(`values.${key} is longer than ${MAX_VALUE_LENGTH} characters`);
    else out[key] = value;
  }
  return out;
}

/**
 * Validates a parsed JSON body.
 *
 * @throws AppError('relay', 'RESERVED_VARIABLE', …, { status: 400, variables }) when the client sent a
 *   value the relay fills itself; AppError('relay', 'INVALID_BODY', …, { status: 400, problems }) otherwise.
 */
export function parseMailRequest(body: unknown): MailRequest {
  const problems: string[] = [];
  if (!isObject(body))
    throw new AppError('relay', 'INVALID_BODY', 'The body must be a JSON object.', {
      status: 400,
      problems: ['body must be an object'],
    });
  for (const key of Object.keys(body))
    if (!TOP_FIELDS.has(key)) problems.push(`${key.slice(0, 64)} is not a known field`);
  const template = checkTemplate(body.template, problems);
  if (typeof body.targetUserId !== 'string' || !GUID.test(body.targetUserId))
    problems.push('targetUserId must be an Entra object id (a GUID)');
  const reserved: string[] = [];
  const values = checkValues(body.values, problems, reserved);
  if (reserved.length > 0) {
    throw new AppError(
      'relay',
      'RESERVED_VARIABLE',
      `The relay fills ${reserved.join(', ')} itself (from Graph and the signed-in operator); do not send them.`,
      { status: 400, variables: reserved },
    );
  }
  if (problems.length > 0)
    throw new AppError('relay', 'INVALID_BODY', `The request body is invalid: ${problems.join('; ')}.`, {
      status: 400,
      problems,
    });
  return { template, targetUserId: (body.targetUserId as string).toLowerCase(), values };
}

/**
 * Validates `Idempotency-Key` (1–128 of `[A-Za-z0-9_-]`).
 *
 * @throws AppError('relay', 'IDEMPOTENCY_KEY_REQUIRED' | 'IDEMPOTENCY_KEY_INVALID', …, { status: 400 })
 */
export function parseIdempotencyKey(header: string | undefined): string {
  if (header === undefined || header === '') {
    throw new AppError(
      'relay',
      'IDEMPOTENCY_KEY_REQUIRED',
      'Send an Idempotency-Key header (1–128 characters of A-Z a-z 0-9 _ -), the same one on every retry of this message.',
      { status: 400 },
    );
  }
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new AppError(
      'relay',
      'IDEMPOTENCY_KEY_INVALID',
      'The Idempotency-Key header must be 1–128 characters of A-Z a-z 0-9 _ -.',
      { status: 400 },
    );
  }
  return header;
}
