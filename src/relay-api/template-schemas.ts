/**
 * What a published template's `body` must be, per kind: the template record itself, exactly as the
 * browser keeps it (src/store/db.ts `CardTemplateRecord` and `ExportTemplateRecord`; the agreement is
 * checked in src/workflows/template-schemas.test.ts). The relay refuses anything else with INVALID_BODY:
 * unknown fields, wrong types, over-long text, control characters in one-line fields (a CR/LF in an
 * email's To, Cc or Subject would start another header, RFC 5322 §2.2).
 *
 * These are the structural rules. How options depend on each other and on the tenant's TAP policy is the
 * editor's business (src/workflows/card-template-rules.ts), which sees more than the relay does.
 */
import { z } from 'zod';
import { describePlacement, placementProblems } from '../mail/secret-placement';
import { unknownVariables } from '../mail/template';
import { line, type TemplateKind } from './contract';

/** Template ids: the browser makes UUIDs; anything of these characters is accepted. */
export const TemplateId = z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, 'must be 1 to 100 letters, digits and : . _ -');

/** Bounds shared with the editors (src/workflows/card-template-rules.ts, export-templates.ts). */
export const TEMPLATE_LIMITS = {
  name: 80,
  description: 500,
  certificateText: 250,
  /** SP 800-73-4 Part 2 §2.4.3: the PIV Card Application PIN is 6 to 8 characters. */
  pin: { min: 6, max: 8 },
  /** Graph's bounds for a TAP's `lifetimeInMinutes` (10 minutes to 30 days). */
  tapLifetime: { min: 10, max: 43_200 },
  email: { to: 1000, cc: 1000, subject: 250, text: 20_000, html: 100_000 },
} as const;

/** Text that may span lines: tabs and line breaks, but no other control characters. */
const lines = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, 'must be printable text');
const required = <T extends z.ZodString>(s: T) => s.regex(/\S/, 'is required');
/** `Date.prototype.toISOString`'s form, as the browser writes `updatedAt`. */
const timestamp = z.iso.datetime({ precision: 3 });
const pinLength = z.number().int().min(TEMPLATE_LIMITS.pin.min).max(TEMPLATE_LIMITS.pin.max);

const CardCertificate = z.strictObject({
  slot: z.enum(['9a', '9c', '9d', '9e']),
  algorithm: z.enum(['ECCP256', 'ECCP384', 'RSA2048']),
  subject: required(line(TEMPLATE_LIMITS.certificateText)),
  upnSan: line(TEMPLATE_LIMITS.certificateText),
});

/** A card (credential) template: src/store/db.ts `CardTemplateRecord`. */
export const CardTemplateBody = z.strictObject({
  id: TemplateId,
  name: required(line(TEMPLATE_LIMITS.name)),
  description: lines(TEMPLATE_LIMITS.description),
  allowedCredentialTypes: z
    .array(z.enum(['yubikey', 'piv']))
    .min(1)
    .max(2),
  issue: z.strictObject({
    assignUser: z.boolean(),
    pinPolicy: z.strictObject({ minLength: pinLength, maxLength: pinLength, digitsOnly: z.boolean() }),
    activationPin: z.discriminatedUnion('delivery', [
      z.strictObject({ delivery: z.literal('show') }),
      z.strictObject({ delivery: z.literal('email'), exportTemplateId: TemplateId }),
    ]),
    certificate: CardCertificate.nullable(),
    /** The holder may unblock the PIN on the self-service page (issuance then records a 9E key). */
    selfServiceUnblock: z.boolean().optional(),
  }),
  tap: z.strictObject({
    enabled: z.boolean(),
    userMayRequest: z.boolean(),
    forceAuthentication: z.boolean(),
    forceAuthenticationDeliverTemplateId: TemplateId.nullable(),
    operatorMayGenerate: z.boolean(),
    showCode: z.boolean(),
    operatorDeliverTemplateId: TemplateId.nullable(),
    lifetimeOverrideMinutes: z
      .number()
      .int()
      .min(TEMPLATE_LIMITS.tapLifetime.min)
      .max(TEMPLATE_LIMITS.tapLifetime.max)
      .nullable(),
    usableOnce: z.boolean(),
  }),
  initiate: z.strictObject({ systemGeneratesTap: z.boolean(), exportTemplateIds: z.array(TemplateId).max(50) }),
  updatedAt: timestamp,
});
export type CardTemplateBody = z.infer<typeof CardTemplateBody>;

const { email } = TEMPLATE_LIMITS;

/** A data-export (email) template: src/store/db.ts `ExportTemplateRecord`. */
export const ExportTemplateBody = z
  .strictObject({
    id: TemplateId,
    name: required(line(TEMPLATE_LIMITS.name)),
    target: z.literal('email'),
    sendAutomatically: z.boolean(),
    connector: z.literal('relay'),
    to: required(line(email.to)),
    cc: line(email.cc),
    subject: required(line(email.subject)),
    text: required(lines(email.text)),
    html: lines(email.html),
    updatedAt: timestamp,
  })
  .superRefine((t, ctx) => {
    // Named by count only: a placeholder's text is the sender's, and problems never quote values.
    const unknown = unknownVariables(t).length;
    if (unknown > 0)
      ctx.addIssue({ code: 'custom', message: `uses ${unknown} \${…} placeholder(s) that are not variables` });
    // Named with its position: a variable's name is the template's, never a value.
    for (const p of placementProblems(t))
      ctx.addIssue({ code: 'custom', path: [p.field], message: describePlacement(p).slice(p.field.length + 2) });
  });
export type ExportTemplateBody = z.infer<typeof ExportTemplateBody>;

/** The schema of each kind's `body`. */
export const TEMPLATE_BODIES = {
  card: CardTemplateBody,
  export: ExportTemplateBody,
} as const satisfies Record<TemplateKind, z.ZodType>;
