/**
 * Batch TAP's emails and the operator's mail rate limit. A batch sends one email per created pass, at
 * the pace Graph creates them (far above a helpdesk's per-minute mail limit), and each is bounded by
 * the batch itself: its idempotency key names the batch and the user, so it goes once. Such a send is
 * therefore not counted against the operator's limit when the store confirms it: the key is the batch's
 * key for that user, the user's item is being created or was created (a pass exists), the batch is
 * open, and the email is the Deliver template the batch planned for that user.
 */
import type { Kysely } from 'kysely';
import { batchMailKey, BatchPlan } from '../../src/relay-api/batch-contract';
import type { MailRequest } from '../../src/relay-api/contract';
import type { Schema } from '../db/schema';

const PREFIX = 'tapbatch-';
const UUID_LENGTH = 36;

/** Builds the check `POST /api/mail` asks for each send with an idempotency key. */
export function batchMailAllowance(db: Kysely<Schema>) {
  return async (key: string, request: MailRequest): Promise<boolean> => {
    if (!key.startsWith(PREFIX)) return false;
    const batchId = key.slice(PREFIX.length, PREFIX.length + UUID_LENGTH);
    if (!/^[0-9a-f-]{36}$/i.test(batchId) || batchMailKey(batchId, request.targetUserId) !== key) return false;
    const row = await db
      .selectFrom('tap_batch_items as i')
      .innerJoin('tap_batches as b', 'b.batch_id', 'i.batch_id')
      .select(['i.plan'])
      .where('i.batch_id', '=', batchId)
      .where('i.user_id', '=', request.targetUserId)
      .where('i.status', 'in', ['creating', 'created'])
      .where('b.state', 'in', ['running', 'paused'])
      .executeTakeFirst();
    const plan = BatchPlan.safeParse(typeof row?.plan === 'string' ? JSON.parse(row.plan) : row?.plan);
    if (!plan.success) return false;
    return plan.data.deliver.id === request.template.id && plan.data.deliver.version === request.template.version;
  };
}
