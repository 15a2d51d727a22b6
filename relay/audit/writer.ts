/**
 * Group commit for the audit chain. Every chain transaction takes the chain's lock and, on a durable
 * PostgreSQL, waits for its commit to reach the disk; one at a time that caps the chain at a few
 * hundred transactions a second. A writer instead runs one chain transaction at a time and gives it
 * whatever has queued meanwhile: the stand-alone appends, in arrival order, and the requests to link
 * rows that other transactions committed pending (relay/audit/chain.ts). One lock, one commit for the
 * lot. A failed transaction fails every append and link request in it, and writes none of its appends.
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema';
import { linkAuditIn, type AuditEntry, type AuditRecord, type PendingAppend } from './chain';

/** Appends audit rows and links pending ones. */
export interface AuditWriter {
  /** Resolves with the stored row once its transaction has committed. */
  append(entry: AuditEntry, at?: Date): Promise<AuditRecord>;
  /** Resolves once every row that had committed pending before the call is linked. */
  link(): Promise<void>;
}

interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

type Waiting = PendingAppend & Settle<AuditRecord>;

/** Appends per transaction at most, so one batch stays a modest insert. */
const MAX_BATCH = 500;

/** Creates a writer over `db` (migrated). */
export function createAuditWriter(db: Kysely<Schema>): AuditWriter {
  let queue: Waiting[] = [];
  let linkers: Settle<void>[] = [];
  let flushing = false;

  const flush = async () => {
    flushing = true;
    // A transaction that is already running may have read the pending rows before a later caller's
    // commit, so each link request is served by a transaction that starts after it.
    while (queue.length > 0 || linkers.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      const links = linkers;
      linkers = [];
      try {
        const records = await db.transaction().execute((tx) => linkAuditIn(tx, batch));
        batch.forEach((w, i) => w.resolve(records[i]!));
        for (const l of links) l.resolve();
      } catch (error) {
        for (const w of [...batch, ...links]) w.reject(error);
      }
    }
    flushing = false;
  };

  return {
    append(entry, at = new Date()) {
      return new Promise<AuditRecord>((resolve, reject) => {
        queue.push({ entry, at, resolve, reject });
        if (!flushing) void flush();
      });
    },
    link() {
      return new Promise<void>((resolve, reject) => {
        linkers.push({ resolve, reject });
        if (!flushing) void flush();
      });
    },
  };
}

const shared = new WeakMap<Kysely<Schema>, AuditWriter>();

/**
 * Asks `db`'s shared writer to link the rows a transaction just committed pending, without waiting:
 * callers run it after their commit. A failed link leaves the rows pending, not lost; the next link
 * (after the next commit, before any read, at start-up: relay/server.ts) chains them.
 */
export function linkAuditSoon(db: Kysely<Schema>): void {
  let writer = shared.get(db);
  if (!writer) shared.set(db, (writer = createAuditWriter(db)));
  writer.link().catch(() => {});
}
