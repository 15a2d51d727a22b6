/** `/api/audit`, as both sides see it; see contract.ts. */
import { z } from 'zod';
import { line, instant } from './contract-fields';

/** Dotted lower-case verb: `card.issue`, `tap.create`, `template.publish`. */
export const AuditAction = z
  .string()
  .max(64)
  .regex(/^[a-z]+(\.[a-z][a-z-]*)+$/, 'must be a dotted lower-case verb such as card.issue');

export const AUDIT_TARGET_TYPES = ['card', 'user', 'template', 'connection', 'key', 'configuration'] as const;

/**
 * How every audit row names a card, whoever writes it (the page's rows, the relay's transitions and
 * imports): its id, then its holder's name when it has one: "serial:10000002 (Ben Member)".
 * relay/cards/transition-statement.ts builds the same label in SQL.
 */
export function cardLabel(cardId: string, holderName = ''): string {
  return holderName ? `${cardId} (${holderName})` : cardId;
}

/**
 * How every audit row gives the reason a thing was refused or failed, whoever writes it: the error's own
 * sentence, then its code in brackets (kept when a long sentence is cut), on one printable line of at
 * most 500 characters (the contract refuses control characters): "The card is retired. (CARD_RETIRED)".
 * An auditor reads the words and filters on the code.
 */
export function auditReason(message: string, code?: string): string {
  const suffix = code ? ` (${code})` : '';
  const text = printableLine(message, 500 - suffix.length) || 'The operation failed for an unknown reason.';
  return text + suffix;
}

/** `text` as one printable line of at most `max` characters (the contract refuses control characters). */
export function printableLine(text: string, max: number): string {
  return text
    .replace(/\p{Cc}+/gu, ' ')
    .trim()
    .slice(0, max);
}

/** `POST /api/audit`: what happened to what. The actor always comes from the caller's token. */
export const AuditAppendBody = z.strictObject({
  action: AuditAction,
  target: z.strictObject({
    type: z.enum(AUDIT_TARGET_TYPES),
    id: line(200).min(1),
    label: line(200).optional(),
  }),
  outcome: z.enum(['succeeded', 'failed', 'refused']),
  /** What failed, in words, for failures and refusals. */
  reason: line(500).optional(),
});
export type AuditAppendBody = z.infer<typeof AuditAppendBody>;

/** `GET /api/audit` (and its CSV export). */
export const AuditQuery = z.strictObject({
  actor: line(200).optional(),
  target: line(200).optional(),
  action: line(64).optional(),
  from: instant.optional(),
  to: instant.optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  format: z.enum(['json', 'csv']).default('json'),
});
export type AuditQuery = z.input<typeof AuditQuery>;

/** One stored audit row. */
export const AuditRow = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.object({ oid: z.string(), name: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string(), label: z.string() }),
  outcome: z.string(),
  reason: z.string(),
  hash: z.string(),
});
export type AuditRow = z.infer<typeof AuditRow>;

/** One page, newest first; `nextBefore` continues it, absent on the last page. */
export const AuditPage = z.object({ entries: z.array(AuditRow), nextBefore: z.number().optional() });
export type AuditPage = z.infer<typeof AuditPage>;

/** `GET /api/audit/verify`: the chain's verdict, naming the first row that breaks it. */
export const ChainVerdict = z.union([
  z.object({ ok: z.literal(true), rows: z.number(), lastHash: z.string() }),
  z.object({
    ok: z.literal(false),
    rows: z.number(),
    brokenSeq: z.number(),
    problem: z.enum(['ROW_ALTERED', 'CHAIN_BROKEN', 'SEQUENCE_GAP']),
  }),
]);
export type ChainVerdict = z.infer<typeof ChainVerdict>;

/**
 * `POST /api/audit` as the relay accepts it: {@link AuditAppendBody}, and a failure or refusal says what
 * failed in words (`reason`), not as a bare error code such as `GRAPH_FORBIDDEN`.
 */
export const AuditAppend = AuditAppendBody.superRefine((body, ctx) => {
  if (body.outcome === 'succeeded') return;
  const reason = body.reason?.trim() ?? '';
  if (reason === '')
    ctx.addIssue({ code: 'custom', path: ['reason'], message: `is required when the outcome is ${body.outcome}` });
  else if (/^[A-Z0-9_.:/-]+$/.test(reason))
    ctx.addIssue({ code: 'custom', path: ['reason'], message: 'must say what failed in words, not as an error code' });
});
