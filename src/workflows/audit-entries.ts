/**
 * The one vocabulary of the audit rows the PWA appends (the relay writes the card transitions itself):
 * a dotted verb (`tap.create`, `tap.revoke`, `mail.send`, `pin.deliver`, `card.issue` for a refusal or failure), a
 * target named by type, id and label (a user: object id + display name; a card: card id + "id (holder)"),
 * an outcome (`succeeded`, `failed`, `refused`), and for a failure or refusal the reason in words.
 * Never a PIN, PUK, TAP code or key: reasons come from error messages, which never carry one
 * (src/app-error.ts).
 */
import { isAppError } from '../app-error';
import { auditReason, cardLabel, printableLine } from '../relay-api/audit-contract';
import type { AuditAppendBody, AuditLog } from './ports';

/** An action the PWA records (the relay records `card.issue` and the other transitions that succeed). */
export type AuditAction =
  | 'tap.create'
  | 'tap.revoke'
  | 'mail.send'
  | 'pin.deliver'
  | 'card.issue'
  | 'card.activate'
  | 'card.unblock'
  | 'card.retire'
  | 'card.lost';

/** An audit target. */
export type AuditTarget = AuditAppendBody['target'];

/** A user as a target: their Entra object id, labelled with their display name (or UPN when they have none). */
export function userTarget(user: { id: string; displayName?: string | null; upn?: string | null }): AuditTarget {
  return { type: 'user', id: user.id, label: printableLine(user.displayName || user.upn || user.id, 200) };
}

/** A card as a target: its id, labelled as every writer labels a card (`cardLabel`). */
export function cardTarget(cardId: string, holderName = ''): AuditTarget {
  return { type: 'card', id: cardId, label: printableLine(cardLabel(cardId, holderName), 200) };
}

/** Codes that mean "refused" (a rule or another operator said no), not "failed". */
const REFUSALS = new Set([
  'CARD_BOUND',
  'CARD_BOUND_ELSEWHERE',
  'NOT_ISSUED',
  'NOT_LIVE',
  'TEMPLATE_MISMATCH',
  'TEMPLATE_GONE',
  'RUN_UNFINISHED',
  'CARD_CHANGED_ELSEWHERE',
  'TRANSITION_NOT_ALLOWED',
  'TEMPLATE_NOT_PUBLISHED',
  'ROLE_MISSING',
  'GRAPH_FORBIDDEN',
  'MANAGEMENT_KEY_FIXED',
  'MANAGEMENT_KEY_ALGORITHM_REFUSED',
  'PUK_NOT_FACTORY',
  'KEY_ALGORITHM_UNSUPPORTED',
  'REFUSED_ROLLED_BACK',
]);

/** Whether `e` is a refusal or a failure. */
export function outcomeOf(e: unknown): 'refused' | 'failed' {
  return isAppError(e) && REFUSALS.has(e.code) ? 'refused' : 'failed';
}

/** What went wrong, in words (the error's own sentence, then its code), on one line (`auditReason`). */
export function reasonOf(e: unknown): string {
  if (!(e instanceof Error)) return auditReason('');
  return auditReason(e.message, isAppError(e) ? e.code : undefined);
}

/** A succeeded row. */
export function succeeded(action: AuditAction, target: AuditTarget): AuditAppendBody {
  return { action, target, outcome: 'succeeded' };
}

/** A failed or refused row, with the reason in words. */
export function failed(action: AuditAction, target: AuditTarget, e: unknown): AuditAppendBody {
  return { action, target, outcome: outcomeOf(e), reason: reasonOf(e) };
}

/**
 * Records `entry`; a trail that cannot be reached must not turn a done piece of work into an error, nor
 * hide the error being recorded, so a failed append is dropped (the relay logs what it refused).
 */
export async function recordQuietly(audit: AuditLog, entry: AuditAppendBody): Promise<void> {
  await audit.record(entry).catch(() => undefined);
}
