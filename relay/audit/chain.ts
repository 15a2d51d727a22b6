/**
 * The tamper-evident audit trail: rows are only ever appended, and each carries
 * `hash = sha256(prev_hash ‖ canonical row)`, the previous row's hash chained in. Changing, removing or
 * inserting a row afterwards breaks the chain at that row, and {@link verifyAuditChain} names it.
 *
 * Appends are serialised by a transaction-scoped advisory lock, so that every instance on one
 * PostgreSQL extends the same chain: the next `seq` and `prev_hash` are read under the lock. A caller
 * that records a state change passes its own transaction, so the change and its audit row commit
 * together or not at all. Stand-alone appends go through relay/audit/writer.ts, which batches them.
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

/**
 * The canonical form of a row: a JSON array in a fixed column order, so that hashing never depends on
 * key order, and the timestamp as ISO 8601 in UTC with milliseconds (what a Date round-trips).
 */
function canonicalRow(row: Omit<Row, 'prev_hash' | 'hash'>): string {
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
export function chainHash(prevHash: string, row: Omit<Row, 'prev_hash' | 'hash'>): string {
  return hash('sha256', prevHash + canonicalRow(row), 'hex');
}

/** The API's view of a row. */
export function toAuditRecord(row: Row): AuditRecord {
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

/**
 * Appends `items` in order inside the caller's transaction, which holds the chain's lock until it ends
 * (so appending many in one transaction costs one lock and one commit).
 */
export async function appendAuditIn(tx: Transaction<Schema>, items: readonly PendingAppend[]): Promise<AuditRecord[]> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(tx);
  const last = await tx.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let previous = { seq: last ? BigInt(last.seq) : 0n, hash: last?.hash ?? GENESIS_HASH };
  const rows: Row[] = items.map(({ entry, at }) => {
    const content = {
      seq: String(previous.seq + 1n),
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
    const row: Row = { ...content, prev_hash: previous.hash, hash: chainHash(previous.hash, content) };
    previous = { seq: previous.seq + 1n, hash: row.hash };
    return row;
  });
  if (rows.length > 0) await tx.insertInto('audit').values(rows).execute();
  return rows.map(toAuditRecord);
}

/** Appends one row in its own transaction. */
export async function appendAudit(db: Kysely<Schema>, entry: AuditEntry, at = new Date()): Promise<AuditRecord> {
  const [record] = await db.transaction().execute((tx) => appendAuditIn(tx, [{ entry, at }]));
  return record!;
}

/** Why a row breaks the chain. */
export type ChainProblem =
  /** Its content no longer matches its hash: changed after it was written. */
  | 'ROW_ALTERED'
  /** Its `prev_hash` is not the previous row's hash: a row before it was removed, inserted or rewritten. */
  | 'CHAIN_BROKEN'
  /** Its `seq` does not follow the previous row's: rows are missing. */
  | 'SEQUENCE_GAP';

/** The verdict of {@link verifyAuditChain}. */
export type ChainVerdict =
  { ok: true; rows: number; lastHash: string } | { ok: false; rows: number; brokenSeq: number; problem: ChainProblem };

const PAGE = 1000;

/** Walks the whole chain in order and names the first row that breaks it. */
export async function verifyAuditChain(db: Kysely<Schema>): Promise<ChainVerdict> {
  let previous = { seq: 0n, hash: GENESIS_HASH };
  let rows = 0;
  for (;;) {
    const page = await db
      .selectFrom('audit')
      .selectAll()
      .where('seq', '>', String(previous.seq))
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const row of page) {
      const seq = BigInt(row.seq);
      const problem: ChainProblem | undefined =
        seq !== previous.seq + 1n
          ? 'SEQUENCE_GAP'
          : row.prev_hash !== previous.hash
            ? 'CHAIN_BROKEN'
            : row.hash !== chainHash(row.prev_hash, row)
              ? 'ROW_ALTERED'
              : undefined;
      if (problem) return { ok: false, rows, brokenSeq: Number(seq), problem };
      previous = { seq, hash: row.hash };
      rows++;
    }
    if (page.length < PAGE) return { ok: true, rows, lastHash: previous.hash };
  }
}
