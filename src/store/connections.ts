/**
 * Repository for connection settings (Options > Connections): per-browser overrides of the
 * deployment's defaults. Ids and URLs only; SMTP host and credentials live in the relay's environment.
 */
import { openKeywardDb, type ConnectionRecord } from './db';

/** Reads the saved settings for connection `id`, or undefined when none were saved. */
export async function readConnection(id: string): Promise<ConnectionRecord | undefined> {
  return (await openKeywardDb()).get('connections', id);
}

/** Saves settings for connection `id`, replacing earlier ones. */
export async function saveConnection(id: string, settings: Readonly<Record<string, unknown>>): Promise<void> {
  await (await openKeywardDb()).put('connections', { id, settings, updatedAt: new Date().toISOString() });
}

/** Removes the override so the deployment's defaults apply again. */
export async function clearConnection(id: string): Promise<void> {
  await (await openKeywardDb()).delete('connections', id);
}
