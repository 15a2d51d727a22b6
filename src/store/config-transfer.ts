/**
 * Reads and replaces this browser's connection settings as a whole (Options > Security > Backup). The
 * templates in a backup are the relay's (src/workflows/config-transfer.ts publishes and reads them there);
 * never the master key, the registry, the journal or the audit trail. Both operations are single
 * IndexedDB transactions, so a reader never sees half of one set of settings and half of another.
 */
import { openKeywardDb, type ConnectionRecord } from './db';

/** Every connection's settings, in key order, read in one transaction. */
export async function readConnections(): Promise<ConnectionRecord[]> {
  return (await openKeywardDb()).getAll('connections');
}

/**
 * Replaces every connection's settings in one transaction: if any write fails the transaction aborts and
 * the previous settings stay exactly as they were.
 */
export async function replaceConnections(connections: readonly ConnectionRecord[]): Promise<void> {
  const tx = (await openKeywardDb()).transaction('connections', 'readwrite');
  const writes: Promise<unknown>[] = [];
  try {
    writes.push(tx.store.clear());
    for (const r of connections) writes.push(tx.store.put(r));
    await Promise.all([...writes, tx.done]);
  } catch (e) {
    // A request refused at once (e.g. a record without its key) throws without aborting the transaction,
    // which would then commit the clear: abort it, and let the abort settle before reporting.
    try {
      tx.abort();
    } catch {
      // It had already aborted (a failed request aborts it) or finished.
    }
    await Promise.allSettled([...writes, tx.done]);
    throw e;
  }
}
