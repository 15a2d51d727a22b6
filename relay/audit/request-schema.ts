/**
 * The audit API's request shapes (Zod). A row records what happened to what, never a secret: the body
 * is a closed schema, so a stray `pin`, `puk`, `tapCode` or `key` field is refused outright, and the
 * actor always comes from the caller's token, never from the body.
 */
import { z } from 'zod';

// Printable text on one line: no control characters that could forge CSV lines or log records.
const line = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must be one line of printable text');

/** `POST /api/audit`. */
export const AuditAppendBody = z.strictObject({
  /** Dotted verb, e.g. `card.issue`, `tap.create`, `template.publish`. */
  action: z
    .string()
    .max(64)
    .regex(/^[a-z]+(\.[a-z][a-z-]*)+$/, 'must be a dotted lower-case verb such as card.issue'),
  target: z.strictObject({
    type: z.enum(['card', 'user', 'template', 'connection', 'key', 'configuration']),
    id: line(200).min(1),
    label: line(200).optional(),
  }),
  outcome: z.enum(['succeeded', 'failed', 'refused']),
  /** What failed, in words, for failures and refusals. */
  reason: line(500).optional(),
});
/** A validated `POST /api/audit` body. */
export type AuditAppendBody = z.infer<typeof AuditAppendBody>;

/** `GET /api/audit` (and its CSV export). */
export const AuditQuery = z.strictObject({
  actor: line(200).optional(),
  target: line(200).optional(),
  action: line(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  format: z.enum(['json', 'csv']).default('json'),
});
