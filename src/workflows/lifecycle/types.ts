/**
 * Shared shapes of the lifecycle workflows (issue, activate, unblock, retire): the per-step progress
 * event the Lifecycle page shows, the error shorthand, and who is acting.
 */
import { AppError } from '../../app-error';
import type { JournalRecord } from '../../store/db';

/** A lifecycle operation, as journalled. */
export type LifecycleOperation = JournalRecord['operation'];

/** One step's progress: `start` before the card work, `done` once verified, `skipped` when the card already had it. */
export interface StepEvent {
  readonly operation: LifecycleOperation;
  /** A stable step name, e.g. `'set-management-key'`. */
  readonly step: string;
  readonly phase: 'start' | 'done' | 'skipped';
  /** Secret-free facts for the summary (algorithm, slot, tries left …). */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

/** Receives step events (the Lifecycle page's progress list). */
export type OnStep = (event: StepEvent) => void;

/** Who is acting, for the audit. */
export interface LifecycleOperator {
  readonly oid: string;
  readonly name: string;
  readonly upn: string;
}

/** Codes of `AppError('workflows', …)` raised here. */
export type LifecycleErrorCode =
  | 'CARD_UNKNOWN_TYPE'
  | 'CARD_FOREIGN'
  | 'PUK_UNKNOWN'
  | 'PIN_POLICY'
  | 'NOT_ISSUED'
  | 'NOT_LOCKED'
  | 'RUN_UNFINISHED'
  | 'TEMPLATE_MISMATCH'
  | 'CARD_BOUND'
  | 'VERIFY_FAILED'
  | 'TAP_CONTEXT_MISSING'
  | 'MANAGEMENT_KEY_FIXED'
  | 'NOT_LIVE';

/** Shorthand for a lifecycle error; the message never carries a secret. */
export function lifecycleError(
  code: LifecycleErrorCode,
  message: string,
  fields: Record<string, unknown> = {},
  cause?: unknown,
): AppError<LifecycleErrorCode> {
  return new AppError('workflows', code, message, fields, cause === undefined ? undefined : { cause });
}
