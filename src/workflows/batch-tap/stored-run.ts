/**
 * Runs (or resumes) a batch the relay holds: its pending users are created, the creates it recorded as
 * in flight are resolved by reading (executor.ts), each created pass is emailed through the relay with
 * the card template's Deliver email and the batch's idempotency key for that user, and every step is
 * recorded in the relay's store. A page that closes mid-batch loses nothing: reopened, it continues from
 * the store, and neither a create nor an email happens twice.
 */
import { isAppError } from '../../app-error';
import type { BatchItemResponse, BatchRequest } from '../../entra/graph-batch';
import type { TemporaryAccessPass } from '../../entra/tap';
import { batchMailKey } from '../../relay-api/batch-contract';
import {
  claimCreates,
  fetchBatch,
  recordOutcomes,
  releaseCreates,
  setBatchState,
  type Batch,
} from '../../relay-api/batches';
import type { MailReceipt, MailRequestBody } from '../../relay-api/mail';
import type { RelayEndpoint } from '../../relay-api/request';
import { passEmailValues } from '../../relay-api/tap-rules';
import { runBatch, type BatchTarget, type InFlight, type ItemOutcome, type RunResult } from './executor';
import type { Clock, WriteBudget } from './write-budget';

/** What a stored run needs. */
export interface StoredRunPorts {
  readonly relay: RelayEndpoint;
  readonly send: (requests: readonly BatchRequest[]) => Promise<BatchItemResponse[]>;
  readonly sendMail: (request: MailRequestBody, idempotencyKey: string) => Promise<MailReceipt>;
  readonly budget: WriteBudget;
  readonly clock: Clock;
  readonly control?: () => 'run' | 'pause' | 'cancel';
  readonly onSettled?: (outcomes: readonly ItemOutcome[]) => void;
}

/** Words for an email that did not go (the pass exists; its code is gone with this page). */
const mailFailed = (e: unknown) =>
  `The pass was created but its email failed (${isAppError(e) ? e.message : 'no answer'}). Create a new pass for this user on Smart Card Unblock.`;

/** Runs `batchId` until it finishes, pauses or is cancelled; the relay's state follows. */
export async function runStoredBatch(ports: StoredRunPorts, batchId: string): Promise<RunResult> {
  const batch: Batch = await fetchBatch(ports.relay, batchId);
  const items = batch.items ?? [];
  const plans = new Map(items.filter((i) => i.plan).map((i) => [i.userId, i.plan!]));
  const target = (userId: string): BatchTarget => ({ userId, request: plans.get(userId)?.request ?? {} });
  const pending = items.filter((i) => i.status === 'pending').map((i) => target(i.userId));
  const inFlight: InFlight[] = items
    .filter((i) => i.status === 'creating')
    .map((i) => ({ target: target(i.userId), attemptAt: i.attemptAt ?? batch.createdAt }));
  const deliver = async (t: BatchTarget, tap: TemporaryAccessPass) => {
    const plan = plans.get(t.userId);
    if (!plan) return { delivered: false, error: 'The batch holds no Deliver email for this user.' };
    try {
      await ports.sendMail(
        { template: plan.deliver, targetUserId: t.userId, values: { ...plan.cardValues, ...passEmailValues(tap) } },
        batchMailKey(batchId, t.userId),
      );
      return { delivered: true, error: null };
    } catch (e) {
      return { delivered: false, error: mailFailed(e) };
    }
  };
  const result = await runBatch(
    {
      send: ports.send,
      budget: ports.budget,
      clock: ports.clock,
      deliver,
      journal: {
        attempting: (userIds, at) => claimCreates(ports.relay, batchId, userIds, at),
        release: (userIds) => releaseCreates(ports.relay, batchId, userIds),
        record: (outcomes) => recordOutcomes(ports.relay, batchId, outcomes),
      },
      ...(ports.control ? { control: ports.control } : {}),
      ...(ports.onSettled ? { onSettled: ports.onSettled } : {}),
    },
    pending,
    inFlight,
  );
  const state = { finished: 'finished', paused: 'paused', cancelled: 'cancelled' } as const;
  await setBatchState(ports.relay, batchId, state[result.state]);
  return result;
}
