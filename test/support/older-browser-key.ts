/**
 * A card master key as an older Keyward kept it in a browser (before the relay held the tenant's key):
 * a non-extractable HKDF key and its passphrase-protected key file, in this browser's IndexedDB
 * (fake-indexeddb in unit tests). What the Security screen's one-time migration starts from.
 */
import { importCardMasterKey, masterKeyFingerprint } from '../../src/cards/admin-secrets';
import { MASTER_KEY_ID, writeMasterKey } from '../../src/store/master-key';
import { RAW_KEY_BYTES, sealKeyFile } from '../../src/workflows/master-key-file';

/** The key stored, and what a test compares it with. */
export interface OlderBrowserKey {
  readonly key: CryptoKey;
  readonly fingerprint: string;
  readonly keyFile: string;
}

/** Stores a fresh random key protected by `passphrase` in this browser, as an older Keyward did. */
export async function keepKeyLikeAnOlderKeyward(passphrase: string): Promise<OlderBrowserKey> {
  const raw = crypto.getRandomValues(new Uint8Array(RAW_KEY_BYTES));
  try {
    const key = await importCardMasterKey(raw);
    const fingerprint = await masterKeyFingerprint(key);
    const keyFile = await sealKeyFile(raw, passphrase, fingerprint);
    await writeMasterKey({ id: MASTER_KEY_ID, key, keyFile, fingerprint, createdAt: new Date().toISOString() });
    return { key, fingerprint, keyFile };
  } finally {
    raw.fill(0);
  }
}
