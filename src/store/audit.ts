/**
 * The audit journal: one record per operator action, newest last. Records are appended, never changed.
 */
import { openKeywardDb, type AuditRecord } from './db';

export type { AuditRecord } from './db';

/** Appends a record and returns its sequence number. */
export async function appendAudit(record: Omit<AuditRecord, 'seq'>): Promise<number> {
  return (await openKeywardDb()).add('audit', { ...record });
}

/** The newest `limit` records, newest first, optionally before sequence number `beforeSeq` (paging). */
export async function recentAudit(limit = 50, beforeSeq?: number): Promise<AuditRecord[]> {
  const db = await openKeywardDb();
  const range = beforeSeq === undefined ? undefined : IDBKeyRange.upperBound(beforeSeq, true);
  const out: AuditRecord[] = [];
  let cursor = await db.transaction('audit').store.openCursor(range, 'prev');
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}
