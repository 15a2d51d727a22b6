/** `/api/mail`, as both sides see it; see contract.ts. */
import { z } from 'zod';
import { TEMPLATE_VARIABLES, type TemplateValues, type TemplateVariable } from '../mail/template';

/** `POST /api/mail` and `/api/mail/test`: what the SMTP server accepted (never the message itself). */
export const MailReceipt = z.object({
  messageId: z.string(),
  accepted: z.array(z.string()),
  requestId: z.string(),
});
export type MailReceipt = z.infer<typeof MailReceipt>;

/** Variables the relay fills itself, from the Graph user and the caller's token; a client may not send them. */
export const SERVER_FILLED_VARIABLES = [
  'DisplayName',
  'GivenName',
  'Surname',
  'UserPrincipalName',
  'Mail',
  'OperatorName',
] as const satisfies readonly TemplateVariable[];
const SERVER_FILLED: ReadonlySet<string> = new Set(SERVER_FILLED_VARIABLES);
const CLIENT_VARIABLES = (Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[]).filter((v) => !SERVER_FILLED.has(v));

/** A string field of a mail request, bounded in UTF-16 code units; messages never quote what was sent. */
const mailText = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .max(max, `is longer than ${max} characters`);

/** A closed object: each unknown key is named (cut to 64 characters), never its value. */
const closedObject = <S extends z.core.$ZodLooseShape>(shape: S, unknown = 'is not a known field') =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => `${k.slice(0, 64)} ${unknown}`).join('; ')
        : issue.code === 'invalid_type'
          ? 'must be an object'
          : undefined,
  });

/**
 * The published data-export template to send: its id and the version the browser read. The relay renders
 * that version from its own store; it refuses one never published, withdrawn, or no longer the newest
 * (an administrator changed it since), and never takes a subject, body or recipient from the browser.
 */
export const MailTemplateRef = closedObject({
  id: z
    .string({ error: 'must be a template id' })
    .regex(/^[A-Za-z0-9:._-]{1,100}$/, 'must be 1 to 100 letters, digits and : . _ -'),
  version: z.number({ error: 'must be a version number' }).int('must be a whole number').min(1, 'must be 1 or more'),
});
export type MailTemplateRef = z.infer<typeof MailTemplateRef>;

/** The parts of a data-export template the relay renders (the relay's own test message is one too). */
export interface MailTemplate {
  readonly name: string;
  readonly to: string;
  readonly cc?: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/**
 * The client's variable values: TAP and card variables only, each at most 1,000 characters. A value
 * for a variable the relay fills is an issue whose `params.code` is `RESERVED_VARIABLE` (the relay
 * answers with that code); a name that is no template variable is refused like an unknown field.
 */
const ClientValues = closedObject(
  Object.fromEntries(CLIENT_VARIABLES.map((v) => [v, mailText(1000).optional()])) as Record<
    Exclude<TemplateVariable, (typeof SERVER_FILLED_VARIABLES)[number]>,
    z.ZodOptional<z.ZodString>
  >,
  'is not a template variable',
);
export const MailValues = z.preprocess((values: z.input<typeof ClientValues>, ctx) => {
  const reserved =
    typeof values === 'object' && values !== null ? Object.keys(values).filter((k) => SERVER_FILLED.has(k)) : [];
  if (reserved.length > 0)
    ctx.addIssue({
      code: 'custom',
      message: `The relay fills ${reserved.join(', ')} itself (from Graph and the signed-in operator); do not send them.`,
      params: { code: 'RESERVED_VARIABLE', variables: reserved },
    });
  return values;
}, ClientValues);

const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `POST /api/mail`: render the published `template` for the Entra user `targetUserId` with the client's `values`. */
export const MailRequest = closedObject({
  template: MailTemplateRef,
  /** An Entra object id; the relay compares it in lower case. */
  targetUserId: z
    .string({ error: 'must be an Entra object id (a GUID)' })
    .regex(ENTRA_OBJECT_ID, 'must be an Entra object id (a GUID)')
    .transform((id) => id.toLowerCase()),
  values: MailValues.optional().transform((values): TemplateValues => values ?? {}),
});
/** What the browser sends. */
export type MailRequestBody = z.input<typeof MailRequest>;
/** What the relay works with, once validated. */
export type MailRequest = z.output<typeof MailRequest>;

/**
 * The `Idempotency-Key` header of `POST /api/mail`: 1 to 128 of `A-Z a-z 0-9 _ -`, the same on every
 * retry of one message. Its issues carry the code the relay answers with in `params.code`.
 */
export const IdempotencyKey = z.string().superRefine((key, ctx) => {
  if (key === '')
    ctx.addIssue({
      code: 'custom',
      message:
        'Send an Idempotency-Key header (1–128 characters of A-Z a-z 0-9 _ -), the same one on every retry of this message.',
      params: { code: 'IDEMPOTENCY_KEY_REQUIRED' },
    });
  else if (!/^[A-Za-z0-9_-]{1,128}$/.test(key))
    ctx.addIssue({
      code: 'custom',
      message: 'The Idempotency-Key header must be 1–128 characters of A-Z a-z 0-9 _ -.',
      params: { code: 'IDEMPOTENCY_KEY_INVALID' },
    });
});
