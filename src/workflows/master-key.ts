/**
 * Options > Security: the card master key an older Keyward kept in this browser (DESIGN.md "Card keys").
 * The relay holds the tenant's key now and the console asks it for each card's secrets
 * (./relay-card-secrets.ts); a key still here is what an administrator moves into the relay once
 * (./relay-master-key.ts), keeps as its protected key file, and then removes from this browser.
 *
 * Fingerprint: hex of the first 8 bytes of SHA-256(HKDF(master key, info = FINGERPRINT_LABEL)), so a
 * browser's key and the relay's can be compared without anything that reveals the key itself.
 */
import { AppError } from '../app-error';
import { FINGERPRINT_LABEL, masterKeyFingerprint } from '../cards/admin-secrets';
import { forgetMasterKey as forgetStored, readMasterKey } from '../store/master-key';

export { FINGERPRINT_LABEL, masterKeyFingerprint };

/** What the Security page shows about the key this browser holds. */
export interface MasterKeyStatus {
  readonly fingerprint: string;
  readonly createdAt: string;
}

/** The fingerprint and date of the key this browser still holds, or null. */
export async function masterKeyStatus(): Promise<MasterKeyStatus | null> {
  const r = await readMasterKey();
  return r ? { fingerprint: r.fingerprint, createdAt: r.createdAt } : null;
}

/** The protected key file of this browser's master key, as it was generated or imported here. */
export async function exportMasterKeyFile(): Promise<{ fileName: string; text: string }> {
  const r = await readMasterKey();
  if (!r) throw new AppError('workflows', 'MASTER_KEY_MISSING', 'This browser holds no card master key of its own.');
  return { fileName: `keyward-card-master-key-${r.fingerprint.slice(0, 8)}.json`, text: r.keyFile };
}

/**
 * Removes this browser's key, once the relay holds the same one (`relayFingerprint`): otherwise the
 * key, and with it the cards issued under it, could be lost (`MASTER_KEY_NOT_IN_RELAY`).
 */
export async function forgetMasterKey(relayFingerprint: string | undefined): Promise<void> {
  const r = await readMasterKey();
  if (!r) return;
  if (r.fingerprint !== relayFingerprint)
    throw new AppError(
      'workflows',
      'MASTER_KEY_NOT_IN_RELAY',
      'The relay does not hold this browser’s card master key, so removing it here could lose it.',
      { fingerprint: r.fingerprint },
    );
  await forgetStored();
}

/** A fingerprint as admins compare it: `a1b2 c3d4 e5f6 0718`. */
export function formatFingerprint(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}
