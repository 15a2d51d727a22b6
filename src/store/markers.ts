/**
 * Things this browser did once and must not do again, each remembered by id with when it was done
 * (e.g. `legacy-upload`: the registry and templates an older Keyward kept here went to the relay).
 */
import { openKeywardDb } from './db';

/** When `id` was done in this browser, or null when it was not. */
export async function doneAt(id: string): Promise<string | null> {
  return (await (await openKeywardDb()).get('markers', id))?.at ?? null;
}

/** Remembers that `id` is done (now). */
export async function markDone(id: string): Promise<void> {
  await (await openKeywardDb()).put('markers', { id, at: new Date().toISOString() });
}
