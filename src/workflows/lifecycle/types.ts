/**
 * Shared shapes of the lifecycle workflows (issue, activate, unblock, retire): the per-step progress
 * event the Lifecycle page shows, the error shorthand, and who is acting.
 */
import { layerErrors } from '../../app-error';
import type { JournalRecord } from '../../store/db';
import type { CardSecrets } from '../../cards/card-secrets';
import type { AuditLog, CardRegistry, TemplateStore } from '../ports';
import type { StepId } from './steps';

/** A lifecycle operation, as journalled. */
export type LifecycleOperation = JournalRecord['operation'];

/** One step's progress: `start` before the card work, `done` once verified, `skipped` when the card already had it. */
export interface StepEvent {
  readonly operation: LifecycleOperation;
  readonly step: StepId;
  readonly phase: 'start' | 'done' | 'skipped';
  /** Secret-free facts for the summary (algorithm, slot, tries left …). */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

/** Receives step events (the Lifecycle page's progress list). */
export type OnStep = (event: StepEvent) => void;

/**
 * The system of record as the lifecycle workflows reach it (src/workflows/ports.ts): the service's card
 * registry, its audit trail (only for what the service cannot see itself), the published templates, and
 * the cards' derived admin secrets (the relay holds the card master key).
 */
export interface LifecyclePorts {
  readonly registry: CardRegistry;
  readonly audit: AuditLog;
  readonly templates: TemplateStore;
  readonly secrets: CardSecrets;
}

/** Codes of `AppError('workflows', …)` raised by the lifecycle workflows. */
export type LifecycleErrorCode =
  | 'NOT_ISSUED'
  | 'RUN_UNFINISHED'
  | 'TEMPLATE_MISMATCH'
  | 'KEY_ALGORITHM_UNSUPPORTED'
  | 'TEMPLATE_GONE'
  | 'CARD_BOUND'
  | 'CARD_BOUND_ELSEWHERE'
  | 'NOT_RECORDED'
  /** The card refused a step of issuance; what the run did was undone (issue-rollback.ts). */
  | 'REFUSED_ROLLED_BACK'
  /** The card refused a step of issuance, and the undo stopped part-way; the run stays open. */
  | 'ROLLBACK_INCOMPLETE'
  | 'TAP_CONTEXT_MISSING'
  | 'NOT_LIVE';

/** Shorthand for a lifecycle error; the message never carries a secret. */
export const lifecycleError = layerErrors<LifecycleErrorCode>('workflows');
