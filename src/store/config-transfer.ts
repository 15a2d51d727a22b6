/**
 * Reads and replaces the administrator's configuration as a whole (Options > Security > Backup):
 * connections, data-export templates and card templates. Never the master key, the registry, the
 * journal or the audit trail. Both operations are single IndexedDB transactions, so a reader never sees
 * half of one configuration and half of another.
 */
import { openKeywardDb, type CardTemplateRecord, type ConnectionRecord, type ExportTemplateRecord } from './db';

/** Everything a configuration backup holds, each list in key order. */
export interface ConfigurationRecords {
  readonly connections: readonly ConnectionRecord[];
  readonly exportTemplates: readonly ExportTemplateRecord[];
  readonly cardTemplates: readonly CardTemplateRecord[];
}

const STORES = ['connections', 'exportTemplates', 'cardTemplates'] as const;

/** The current configuration, read in one transaction. */
export async function readConfiguration(): Promise<ConfigurationRecords> {
  const tx = (await openKeywardDb()).transaction(STORES, 'readonly');
  const [connections, exportTemplates, cardTemplates] = await Promise.all([
    tx.objectStore('connections').getAll(),
    tx.objectStore('exportTemplates').getAll(),
    tx.objectStore('cardTemplates').getAll(),
  ]);
  await tx.done;
  return { connections, exportTemplates, cardTemplates };
}

/**
 * Replaces the whole configuration in one transaction: if any write fails (e.g. a unique-name clash) the
 * transaction aborts and the previous configuration stays exactly as it was.
 */
export async function replaceConfiguration(config: ConfigurationRecords): Promise<void> {
  const tx = (await openKeywardDb()).transaction(STORES, 'readwrite');
  const connections = tx.objectStore('connections');
  const exportTemplates = tx.objectStore('exportTemplates');
  const cardTemplates = tx.objectStore('cardTemplates');
  const writes: Promise<unknown>[] = [connections.clear(), exportTemplates.clear(), cardTemplates.clear()];
  for (const r of config.connections) writes.push(connections.put(r));
  for (const r of config.exportTemplates) writes.push(exportTemplates.put(r));
  for (const r of config.cardTemplates) writes.push(cardTemplates.put(r));
  try {
    await Promise.all([...writes, tx.done]);
  } catch (e) {
    // One failed request aborts the transaction; make sure the abort has settled before reporting.
    await tx.done.catch(() => undefined);
    throw e;
  }
}
