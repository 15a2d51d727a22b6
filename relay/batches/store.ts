/**
 * Batch TAP in the relay's database: batches (`tap_batches`) and one item per user
 * (`tap_batch_items`), changed only in ways that keep a pass from being created twice:
 * - a create is claimed first (`pending` → `creating`, with its time); only the claimed users may be
 *   sent, so two tabs resuming one batch never send the same create;
 * - a claim is released only for a create Graph refused as a whole (429): nothing happened;
 * - an outcome settles a `creating` (or `pending`) item once; a settled item never changes again.
 * Every change is audited in its transaction: the batch (start, pause, resume, cancel, finish) and
 * each item's outcome, on the user, naming the batch. Never a code.
 */
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../src/app-error';
import { type BatchCreateBody, type BatchItemInput } from '../../src/relay-api/batch-contract';
import { appendAuditIn, type AuditEntry } from '../audit/chain';
import { linkAuditSoon } from '../audit/writer';
import type { Schema } from '../db/schema';

/** Who is acting. */
export interface Actor {
  oid: string;
  name: string;
}

/** 404 for a batch id the store does not hold. */
export const notFound = () => new AppError('relay', 'BATCH_NOT_FOUND', 'No such batch.', { status: 404 });

export async function audit(
  tx: Transaction<Schema>,
  actor: Actor,
  at: Date,
  rows: Omit<AuditEntry, 'actorOid' | 'actorName'>[],
) {
  if (rows.length === 0) return;
  await appendAuditIn(
    tx,
    rows.map((r) => ({ entry: { actorOid: actor.oid, actorName: actor.name, ...r }, at })),
  );
}

const batchRow = (batchId: string, label: string, action: string, outcome = 'succeeded', reason = '') => ({
  action,
  targetType: 'batch',
  targetId: batchId,
  targetLabel: label,
  outcome,
  reason,
});

async function insertItems(tx: Transaction<Schema>, batchId: string, items: readonly BatchItemInput[], from: number) {
  await tx
    .insertInto('tap_batch_items')
    .values(
      items.map((i, n) => ({
        batch_id: batchId,
        user_id: i.userId,
        position: from + n,
        upn: i.upn,
        display_name: i.displayName,
        status: i.skip ? 'skipped' : 'pending',
        error: i.skip?.reason ?? null,
        skip_code: i.skip?.code ?? null,
        plan: i.plan ? JSON.stringify(i.plan) : null,
        delivered: false,
      })),
    )
    .onConflict((oc) => oc.columns(['batch_id', 'user_id']).doNothing())
    .execute();
}

/** Starts a batch; refuses a second open batch on one group (409 BATCH_RUNNING). */
export async function createBatch(
  db: Kysely<Schema>,
  body: BatchCreateBody,
  actor: Actor,
  at = new Date(),
): Promise<string> {
  const batchId = crypto.randomUUID();
  try {
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('tap_batches')
        .values({
          batch_id: batchId,
          source_kind: body.source.kind,
          source_id: body.source.kind === 'group' ? body.source.id : batchId,
          source_label: body.source.label,
          template_id: body.templateId,
          state: 'running',
          created_by_oid: actor.oid,
          created_by_name: actor.name,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await insertItems(tx, batchId, body.items, 0);
      await audit(tx, actor, at, [batchRow(batchId, body.source.label, 'tap.batch.start')]);
    });
  } catch (e) {
    if (/tap_batches_one_open_per_group|duplicate key|unique/i.test(String((e as Error).message))) {
      throw new AppError('relay', 'BATCH_RUNNING', 'A batch for this group is already running or paused.', {
        status: 409,
      });
    }
    throw e;
  }
  linkAuditSoon(db);
  return batchId;
}

/** Adds more users to a batch that has not started sending (every item still pending or skipped). */
export async function addItems(db: Kysely<Schema>, batchId: string, items: readonly BatchItemInput[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const batch = await tx
      .selectFrom('tap_batches')
      .select('state')
      .where('batch_id', '=', batchId)
      .forUpdate()
      .executeTakeFirst();
    if (!batch) throw notFound();
    const { n } = await tx
      .selectFrom('tap_batch_items')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('batch_id', '=', batchId)
      .executeTakeFirstOrThrow();
    await insertItems(tx, batchId, items, Number(n));
  });
}

export async function openBatch(tx: Transaction<Schema>, batchId: string, states: readonly string[]) {
  const batch = await tx
    .selectFrom('tap_batches')
    .selectAll()
    .where('batch_id', '=', batchId)
    .forUpdate()
    .executeTakeFirst();
  if (!batch) throw notFound();
  if (!states.includes(batch.state))
    throw new AppError('relay', 'BATCH_NOT_RUNNING', `The batch is ${batch.state}.`, {
      status: 409,
      state: batch.state,
    });
  return batch;
}

/** Claims the creates of `userIds` that are still pending; returns the users claimed. */
export async function claimAttempts(
  db: Kysely<Schema>,
  batchId: string,
  userIds: readonly string[],
  attemptAt: Date,
): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    await openBatch(tx, batchId, ['running']);
    const rows = await tx
      .updateTable('tap_batch_items')
      .set({ status: 'creating', attempt_at: attemptAt })
      .where('batch_id', '=', batchId)
      .where('user_id', 'in', [...userIds])
      .where('status', '=', 'pending')
      .returning('user_id')
      .execute();
    return rows.map((r) => r.user_id);
  });
}

/** Puts claimed creates back to pending (Graph refused them before doing anything). */
export async function releaseAttempts(db: Kysely<Schema>, batchId: string, userIds: readonly string[]): Promise<void> {
  await db
    .updateTable('tap_batch_items')
    .set({ status: 'pending', attempt_at: null })
    .where('batch_id', '=', batchId)
    .where('user_id', 'in', [...userIds])
    .where('status', '=', 'creating')
    .execute();
}

const MOVES: Readonly<Record<string, readonly string[]>> = {
  running: ['paused'],
  paused: ['running'],
  cancelled: ['running', 'paused'],
  finished: ['running'],
};

/** Pauses, resumes, cancels or finishes a batch; finishing needs every create settled. */
export async function changeState(
  db: Kysely<Schema>,
  batchId: string,
  state: string,
  actor: Actor,
  at = new Date(),
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const batch = await openBatch(tx, batchId, MOVES[state] ?? []);
    if (state === 'finished') {
      const open = await tx
        .selectFrom('tap_batch_items')
        .select('user_id')
        .where('batch_id', '=', batchId)
        .where('status', 'in', ['pending', 'creating'])
        .executeTakeFirst();
      if (open) throw new AppError('relay', 'BATCH_NOT_DONE', 'Users of the batch are still pending.', { status: 409 });
    }
    await tx.updateTable('tap_batches').set({ state, updated_at: at }).where('batch_id', '=', batchId).execute();
    const action = {
      running: 'tap.batch.resume',
      paused: 'tap.batch.pause',
      cancelled: 'tap.batch.cancel',
      finished: 'tap.batch.finish',
    }[state]!;
    await audit(tx, actor, at, [batchRow(batchId, batch.source_label, action)]);
  });
  linkAuditSoon(db);
}
