/**
 * Repository for the card master key (DESIGN.md "Admin secrets"). The record holds a non-extractable
 * CryptoKey (IndexedDB stores it by structured clone without exposing its bytes) and the
 * passphrase-protected key file; the raw key is never written.
 */
import { openKeywardDb, type MasterKeyRecord } from './db';

export type { MasterKeyRecord } from './db';

/** The one id the master key is stored under. */
export const MASTER_KEY_ID = 'card-master-key' as const;

/** The stored master key, or undefined when this browser has none. */
export async function readMasterKey(): Promise<MasterKeyRecord | undefined> {
  return (await openKeywardDb()).get('keys', MASTER_KEY_ID);
}

/** Stores the master key, replacing any earlier one. */
export async function writeMasterKey(record: MasterKeyRecord): Promise<void> {
  await (await openKeywardDb()).put('keys', record);
}

/** Removes the stored master key (after an administrator moved it into the relay). */
export async function forgetMasterKey(): Promise<void> {
  await (await openKeywardDb()).delete('keys', MASTER_KEY_ID);
}
