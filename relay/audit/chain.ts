/**
 * The tamper-evident audit trail: rows are only ever appended, and each carries
 * `hash = sha256(prev_hash ‖ canonical row)`, the previous row's hash chained in. Changing, removing or
 * inserting a row afterwards breaks the chain at that row, and `verifyAuditChain` (./verify.ts) names it.
 *
 * Recording and chaining are two steps, so that recording a change never waits for the chain:
 * - {@link appendAuditIn} inserts the row *pending* (no `seq`, no hashes) in the caller's transaction, so a
 *   change and its audit row commit together or not at all. It takes no lock: concurrent transactions
 *   commit side by side. (When every transaction took the chain's lock and held it through its commit,
 *   50 operators' card transitions queued behind one another: p99 316 ms.)
 * - {@link linkAuditIn} takes the chain's advisory lock (shared by every instance on one PostgreSQL),
 *   reads the chain's head and the committed pending rows, gives them the next `seq`s in arrival order
 *   with their hashes, and commits: one short transaction chains every row that committed meanwhile. The
 *   writer (relay/audit/writer.ts) runs it after each commit, batched, and at start-up; readers run it
 *   before they read.
 *
 * Readers see linked rows only, and each link commits a gap-free run of `seq`s, so no reader sees a
 * gap. A crash between a commit and its link leaves rows pending, never lost: the next link chains them.
 * The database refuses every change but one: filling in a pending row's place in the chain, once, its
 * content untouched (migration 6); a forged place fails verification like any other alteration.
 */
import { hash } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuditTable, Schema } from '../db/schema';

/** What a caller records; the relay adds who (from the token), when, and the chain. */
export interface AuditEntry {
  actorOid: string;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string;
  targetLabel: string;
  outcome: string;
  reason: string;
}

/** The entry for `actor` doing `event.action` to `event.target`; an absent label or reason is empty. */
export function auditEntry(
  actor: { oid: string; name: string },
  event: {
    action: string;
    target: { type: string; id: string; label?: string | undefined };
    outcome: string;
    reason?: string | undefined;
  },
): AuditEntry {
  return {
    actorOid: actor.oid,
    actorName: actor.name,
    action: event.action,
    targetType: event.target.type,
    targetId: event.target.id,
    targetLabel: event.target.label ?? '',
    outcome: event.outcome,
    reason: event.reason ?? '',
  };
}

/** A stored row as the API returns it. */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: { oid: string; name: string };
  action: string;
  target: { type: string; id: string; label: string };
  outcome: string;
  reason: string;
  hash: string;
}

/** The first row's `prev_hash`. */
export const GENESIS_HASH = '0'.repeat(64);

// Any constant shared by all instances (distinct from the migration lock).
const AUDIT_LOCK = 0x61756474; // "audt"

type Row = Selectable<AuditTable>;

/** The columns a linked row has filled in. */
export interface LinkedColumns {
  seq: string;
  prev_hash: string;
  hash: string;
}

/** A row in the chain. */
export type LinkedRow = Row & LinkedColumns;

/** What the chain hashes of a row: its place and its content. */
type ChainContent = Omit<Row, 'id' | 'seq' | 'prev_hash' | 'hash'> & { seq: string };

/**
 * The canonical form of a row: a JSON array in a fixed column order, so that hashing never depends on
 * key order, and the timestamp as ISO 8601 in UTC with milliseconds (what a Date round-trips).
 */
function canonicalRow(row: ChainContent): string {
  return JSON.stringify([
    row.seq,
    row.at.toISOString(),
    row.actor_oid,
    row.actor_name,
    row.action,
    row.target_type,
    row.target_id,
    row.target_label,
    row.outcome,
    row.reason,
  ]);
}

/** `sha256(prevHash ‖ canonical row)` in hex. */
export function chainHash(prevHash: string, row: ChainContent): string {
  return hash('sha256', prevHash + canonicalRow(row), 'hex');
}

/** The API's view of a row. */
export function toAuditRecord(row: Omit<LinkedRow, 'id'>): AuditRecord {
  return {
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actor: { oid: row.actor_oid, name: row.actor_name },
    action: row.action,
    target: { type: row.target_type, id: row.target_id, label: row.target_label },
    outcome: row.outcome,
    reason: row.reason,
    hash: row.hash,
  };
}

/** One entry to append, with its time. */
export interface PendingAppend {
  entry: AuditEntry;
  at: Date;
}

/** A row's content: what the chain hashes besides its `seq`. */
function contentOf({ entry, at }: PendingAppend) {
  return {
    // Whole milliseconds: what a Date holds, so the hash survives the round trip through timestamptz.
    at: new Date(Math.floor(at.getTime())),
    actor_oid: entry.actorOid,
    actor_name: entry.actorName,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    target_label: entry.targetLabel,
    outcome: entry.outcome,
    reason: entry.reason,
  };
}

/**
 * Inserts `items` pending, in order, inside the caller's transaction: one statement, no lock. They join
 * the chain when a link runs after the transaction commits; if it rolls back, they never existed.
 */
export async function appendAuditIn(tx: Transaction<Schema>, items: readonly PendingAppend[]): Promise<void> {
  if (items.length > 0) await tx.insertInto('audit').values(items.map(contentOf)).execute();
}

/** Pending rows linked per statement, so that one statement stays a modest update. */
const LINK_BATCH = 1000;

interface ChainHead {
  seq: bigint;
  hash: string;
}

/**
 * The chain's last row (this transaction's own links included) and up to a batch of pending rows in
 * arrival order, in one round trip.
 */
async function headAndPending(tx: Transaction<Schema>): Promise<{ head: ChainHead; pending: Row[] }> {
  const { rows } = await sql<Row>`
    (select * from audit where seq = (select max(seq) from audit))
    union all
    (select * from audit where seq is null order by id limit ${LINK_BATCH})`.execute(tx);
  const last = rows.find((r) => r.seq !== null);
  return {
    head: last ? { seq: BigInt(last.seq!), hash: last.hash! } : { seq: 0n, hash: GENESIS_HASH },
    pending: rows.filter((r) => r.seq === null),
  };
}

/** `content` placed after `head`. */
function chained<T extends Omit<ChainContent, 'seq'>>(head: ChainHead, content: T): T & LinkedColumns {
  const seq = String(head.seq + 1n);
  return { ...content, seq, prev_hash: head.hash, hash: chainHash(head.hash, { ...content, seq }) };
}

/**
 * Links every committed pending row into the chain, then appends `fresh` after them, linked too; all
 * inside `tx`, which holds the chain's lock until it ends. Returns the records of `fresh`.
 */
export async function linkAuditIn(
  tx: Transaction<Schema>,
  fresh: readonly PendingAppend[] = [],
): Promise<AuditRecord[]> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(tx);
  let { head, pending } = await headAndPending(tx);
  while (pending.length > 0) {
    const links = pending.map((row) => {
      const linked = chained(head, row);
      head = { seq: BigInt(linked.seq), hash: linked.hash };
      return linked;
    });
    await writeLinks(tx, links);
    if (pending.length < LINK_BATCH) break;
    ({ head, pending } = await headAndPending(tx));
  }
  const rows = fresh.map((item) => {
    const row = chained(head, contentOf(item));
    head = { seq: BigInt(row.seq), hash: row.hash };
    return row;
  });
  if (rows.length > 0) await tx.insertInto('audit').values(rows).execute();
  return rows.map(toAuditRecord);
}

/** Fills in the places of `links` in one statement (arrays, so the statement's size is fixed). */
async function writeLinks(tx: Transaction<Schema>, links: readonly LinkedRow[]): Promise<void> {
  await sql`
    update audit set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
    from unnest(${links.map((l) => l.id)}::bigint[], ${links.map((l) => l.seq)}::bigint[],
                ${links.map((l) => l.prev_hash)}::text[], ${links.map((l) => l.hash)}::text[])
      as v(id, seq, prev_hash, hash)
    where audit.id = v.id`.execute(tx);
}

/** Links every pending row that has committed, in its own transaction. */
export async function linkAudit(db: Kysely<Schema>): Promise<void> {
  await db.transaction().execute((tx) => linkAuditIn(tx));
}

/** Appends one row in its own transaction, linked (with any rows pending before it). */
export async function appendAudit(db: Kysely<Schema>, entry: AuditEntry, at = new Date()): Promise<AuditRecord> {
  const [record] = await db.transaction().execute((tx) => linkAuditIn(tx, [{ entry, at }]));
  return record!;
}
