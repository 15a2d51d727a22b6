/**
 * Reading Batch TAP from the relay's database: batches with their counts, newest first, and one batch
 * with its items in the order they were added (the report).
 */
import type { Kysely } from 'kysely';
import type { Batch, BatchItem } from '../../src/relay-api/batch-contract';
import type { Schema } from '../db/schema';
import { notFound } from './store';

type ItemRow = Awaited<ReturnType<typeof itemRows>>[number];
const itemRows = (db: Kysely<Schema>, batchIds: readonly string[]) =>
  db
    .selectFrom('tap_batch_items')
    .selectAll()
    .where('batch_id', 'in', [...batchIds])
    .orderBy('position')
    .execute();

function toItem(r: ItemRow): BatchItem {
  return {
    userId: r.user_id,
    upn: r.upn,
    displayName: r.display_name,
    status: r.status as BatchItem['status'],
    attemptAt: r.attempt_at?.toISOString() ?? null,
    passId: r.pass_id,
    startDateTime: r.start_date_time,
    delivered: r.delivered,
    error: r.error,
    skipCode: r.skip_code,
    plan: (r.plan ?? null) as BatchItem['plan'],
  };
}

/** Batches (newest first) with their counts; `withItems` adds each one's items. */
export async function listBatches(
  db: Kysely<Schema>,
  filter: { batchId?: string; open?: boolean },
  withItems: boolean,
): Promise<Batch[]> {
  let q = db.selectFrom('tap_batches').selectAll();
  if (filter.batchId) q = q.where('batch_id', '=', filter.batchId);
  if (filter.open) q = q.where('state', 'in', ['running', 'paused']);
  const batches = await q.orderBy('created_at', 'desc').limit(100).execute();
  if (batches.length === 0) return [];
  const items = await itemRows(
    db,
    batches.map((b) => b.batch_id),
  );
  return batches.map((b) => {
    const own = items.filter((i) => i.batch_id === b.batch_id);
    const count = (s: string) => own.filter((i) => i.status === s).length;
    return {
      batchId: b.batch_id,
      source: {
        kind: b.source_kind as 'group' | 'csv',
        id: b.source_kind === 'group' ? b.source_id : '',
        label: b.source_label,
      },
      templateId: b.template_id,
      state: b.state as Batch['state'],
      createdBy: { oid: b.created_by_oid, name: b.created_by_name },
      createdAt: b.created_at.toISOString(),
      updatedAt: b.updated_at.toISOString(),
      counts: {
        pending: count('pending'),
        creating: count('creating'),
        created: count('created'),
        failed: count('failed'),
        skipped: count('skipped'),
        delivered: own.filter((i) => i.delivered).length,
      },
      ...(withItems ? { items: own.map(toItem) } : {}),
    };
  });
}

/** One batch with its items; 404 when unknown. */
export async function getBatch(db: Kysely<Schema>, batchId: string): Promise<Batch> {
  const [batch] = await listBatches(db, { batchId }, true);
  if (!batch) throw notFound();
  return batch;
}
