/**
 * The lifecycle's side of the system of record: the `register` step that asks the service to record a
 * transition (a compare-and-set on the version read when the run started; the service audits it in the
 * same transaction), and the audit row of a card operation that was refused or failed, which the service
 * cannot see.
 *
 * A run is marked done only after the service recorded its transition: when the service cannot be
 * reached after the card work, the `register` step stays begun-but-not-ended in the journal, the run
 * stays unfinished, and `NOT_RECORDED` says so; running the operation again resumes the run and records it.
 */
import { isAppError } from '../../app-error';
import { cardTarget, failed, recordQuietly, type AuditAction } from '../audit-entries';
import type { AuditLog, Card, TransitionBody } from '../ports';
import type { LifecycleRun } from './run';
import { lifecycleError, type LifecycleOperation, type LifecyclePorts } from './types';

/** What the service answers about the card itself (not a failure to reach it): passed on as it is. */
const ANSWERS = new Set([
  'CARD_CHANGED_ELSEWHERE',
  'TRANSITION_NOT_ALLOWED',
  'TEMPLATE_NOT_PUBLISHED',
  'CARD_NOT_REGISTERED',
  'ROLE_MISSING',
  'FORBIDDEN',
  'INVALID_REQUEST',
]);

type Recordable = 'issue' | 'activate' | 'unblock' | 'retire';

/**
 * The `register` step: records `body` for the run's card. When the interrupted run this one resumes got
 * as far as recording, and the service already holds the card in `recordedState`, the step is skipped.
 *
 * @throws the service's answer (`relay-api` `CARD_CHANGED_ELSEWHERE` with `current`, …) as it is;
 *   `workflows` `NOT_RECORDED` (cause: the relay's error) when the service could not record it.
 */
export async function recordTransition(
  run: LifecycleRun<Recordable>,
  ports: LifecyclePorts,
  body: TransitionBody,
  already: { card: Card | null; recorded: boolean },
): Promise<Card | null> {
  if (already.recorded) {
    await run.skip('register', { state: already.card?.state ?? null, recorded: true });
    return already.card;
  }
  return run.step(
    'register',
    async () => {
      try {
        return await ports.registry.transition(run.cardId, body);
      } catch (e) {
        if (isAppError(e) && ANSWERS.has(e.code)) throw e;
        throw lifecycleError(
          'NOT_RECORDED',
          `The card work of ${run.operation} is done, but the service did not record it; run ${run.operation} again.`,
          { cardId: run.cardId, operation: run.operation },
          e,
        );
      }
    },
    (card) => ({ state: card.state, version: card.version }),
  );
}

/** True when a resumed run had begun `register` and the service now holds the card as `state` (the transition took). */
export function alreadyRecorded(run: LifecycleRun<Recordable>, card: Card | null, state: Card['state']): boolean {
  return run.startedBefore('register') && card?.state === state;
}

/** Who and what a failing operation is about, filled in as the workflow learns it. */
export interface FailureTarget {
  cardId?: string;
  holderName?: string;
}

/**
 * Runs a workflow; when it fails after the card is known, records the refusal or failure (`card.<op>`,
 * the reason in words) and rethrows. Successes are not recorded here: the service audits transitions.
 */
export async function auditedRun<T>(
  audit: AuditLog,
  operation: Extract<LifecycleOperation, Recordable> | 'lost',
  work: (target: FailureTarget) => Promise<T>,
): Promise<T> {
  const target: FailureTarget = {};
  try {
    return await work(target);
  } catch (e) {
    if (target.cardId) {
      const action = `card.${operation}` as AuditAction;
      await recordQuietly(audit, failed(action, cardTarget(target.cardId, target.holderName), e));
    }
    throw e;
  }
}
