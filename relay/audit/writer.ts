/**
 * Group commit for stand-alone audit appends. Every append takes the chain's lock and, on a durable
 * PostgreSQL, waits for its commit to reach the disk; one at a time that caps the chain at a few
 * hundred rows a second. The writer instead appends whatever has queued while the previous
 * transaction ran in one transaction: one lock, one insert, one commit for the lot, in arrival order.
 * A failed transaction fails every append in it, and nothing of it is written.
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema';
import { appendAuditIn, type AuditEntry, type AuditRecord, type PendingAppend } from './chain';

/** Appends audit rows. */
export interface AuditWriter {
  /** Resolves with the stored row once its transaction has committed. */
  append(entry: AuditEntry, at?: Date): Promise<AuditRecord>;
}

interface Waiting extends PendingAppend {
  resolve(record: AuditRecord): void;
  reject(error: unknown): void;
}

/** Rows per transaction at most, so one batch stays a modest insert. */
const MAX_BATCH = 500;

/** Creates a writer over `db` (migrated). */
export function createAuditWriter(db: Kysely<Schema>): AuditWriter {
  let queue: Waiting[] = [];
  let flushing = false;

  const flush = async () => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      try {
        const records = await db.transaction().execute((tx) => appendAuditIn(tx, batch));
        batch.forEach((w, i) => w.resolve(records[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
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
  };
}
