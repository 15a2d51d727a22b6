/**
 * Settling Batch TAP items: each item once, from pending or creating, audited on its user with the batch
 * named. A created pass the page reported as not emailed counts as emailed when the relay's mail
 * idempotency store shows its email went (the page closed between sending and saying so).
 */
import type { Kysely, Transaction } from 'kysely';
import { batchMailKey, type BatchOutcome } from '../../src/relay-api/batch-contract';
import { linkAuditSoon } from '../audit/writer';
import type { Schema } from '../db/schema';
import { audit, openBatch, type Actor } from './store';

/** Whether the relay already sent the batch's email to `userId` (the page may have closed before saying so). */
async function mailSent(tx: Transaction<Schema>, batchId: string, userId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('mail_idempotency')
    .select('status')
    .where('key', '=', batchMailKey(batchId, userId))
    .where('status', '>=', 200)
    .where('status', '<', 300)
    .executeTakeFirst();
  return row !== undefined;
}

/** Settles items once each, auditing each on its user. Items already settled are left as they are. */
export async function recordOutcomes(
  db: Kysely<Schema>,
  batchId: string,
  outcomes: readonly BatchOutcome[],
  actor: Actor,
  at = new Date(),
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const batch = await openBatch(tx, batchId, ['running', 'paused', 'cancelled']);
    const rows = [];
    for (const o of outcomes) {
      const delivered = o.status === 'created' && (o.delivered || (await mailSent(tx, batchId, o.userId)));
      const error = o.status === 'created' && delivered ? null : o.error;
      const updated = await tx
        .updateTable('tap_batch_items')
        .set({
          status: o.status,
          pass_id: o.status === 'created' ? o.passId : null,
          start_date_time: o.status === 'created' ? o.startDateTime : null,
          delivered,
          error,
        })
        .where('batch_id', '=', batchId)
        .where('user_id', '=', o.userId)
        .where('status', 'in', ['pending', 'creating'])
        .returning(['upn'])
        .executeTakeFirst();
      if (!updated) continue;
      rows.push({
        action: 'tap.batch.create',
        targetType: 'user',
        targetId: o.userId,
        targetLabel: updated.upn,
        outcome: o.status === 'created' ? 'succeeded' : 'failed',
        reason:
          `batch ${batchId} (${batch.source_label})${o.status === 'created' ? `: pass ${o.passId}, ${delivered ? 'emailed' : 'not emailed'}` : ''}${error ? `: ${error}` : ''}`.slice(
            0,
            500,
          ),
      });
    }
    await audit(tx, actor, at, rows);
  });
  linkAuditSoon(db);
}
