import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../bytes';
import { isAppError } from '../app-error';
import { deriveManagementKey, importCardMasterKey } from '../cards/admin-secrets';
import { openKeywardDb } from '../store/db';
import { readMasterKey } from '../store/master-key';
import { keepKeyLikeAnOlderKeyward } from '../../test/support/older-browser-key';
import { exportMasterKeyFile, FINGERPRINT_LABEL, forgetMasterKey, masterKeyStatus } from './master-key';
import { openKeyFile, parseKeyFile } from './master-key-file';

const PASSPHRASE = 'correct horse battery staple';
const card = { serial: 12345678 };

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

/** A browser that never held a key (site data cleared). */
async function forgetKey(): Promise<void> {
  await (await openKeywardDb()).delete('keys', 'card-master-key');
}

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** Opens a key file with WebCrypto directly, following the documented format, not the workflow's code. */
async function openIndependently(text: string, passphrase: string): Promise<Uint8Array<ArrayBuffer>> {
  const f = JSON.parse(text) as {
    kdf: { iterations: number; salt: string };
    cipher: { iv: string };
    ciphertext: string;
  };
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  const aes = await crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: b64(f.kdf.salt), iterations: f.kdf.iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64(f.cipher.iv) }, aes, b64(f.ciphertext)));
}

describe('the card master key an older Keyward kept in this browser', () => {
  beforeEach(forgetKey);

  it('exports its key file in the documented format, whose fingerprint comes from HKDF bits, not the raw key', async () => {
    expect(await masterKeyStatus()).toBeNull();
    await expect(exportMasterKeyFile()).rejects.toMatchObject({ code: 'MASTER_KEY_MISSING' });
    const kept = await keepKeyLikeAnOlderKeyward(PASSPHRASE);
    expect((await masterKeyStatus())?.fingerprint).toBe(kept.fingerprint);
    const { text, fileName } = await exportMasterKeyFile();
    expect(text).toBe(kept.keyFile);
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual(['format', 'version', 'kdf', 'cipher', 'ciphertext', 'fingerprint']);
    expect(file).toMatchObject({
      format: 'keyward-card-master-key',
      version: 1,
      kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: 600000 },
      cipher: { name: 'AES-GCM' },
    });
    expect(file.fingerprint).toBe(kept.fingerprint);
    expect(fileName).toBe(`keyward-card-master-key-${kept.fingerprint.slice(0, 8)}.json`);
    expect(text).not.toContain(PASSPHRASE);

    const raw = await openIndependently(text, PASSPHRASE);
    expect(raw).toHaveLength(32);
    const hkdf = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(FINGERPRINT_LABEL) },
      hkdf,
      256,
    );
    const expected = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bits)).slice(0, 8), { lower: true });
    expect(kept.fingerprint).toBe(expected);
    const rawDigest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw)).slice(0, 8);
    expect(kept.fingerprint).not.toBe(toHex(rawDigest, { lower: true }));

    const stored = (await readMasterKey())!.key;
    expect(stored.extractable).toBe(false);
    expect(stored.usages).toEqual(['deriveBits']);
    // The stored key derives what the file's key derives.
    expect(await deriveManagementKey(stored, card, 'AES192')).toEqual(
      await deriveManagementKey(await importCardMasterKey(raw), card, 'AES192'),
    );
  });

  it('opens the file only with its passphrase, and refuses a damaged one, never echoing the passphrase', async () => {
    const { keyFile } = await keepKeyLikeAnOlderKeyward(PASSPHRASE);
    const wrong = await rejection(openKeyFile(parseKeyFile(keyFile), 'wrong passphrase here'));
    expect(isAppError(wrong, 'workflows', 'WRONG_PASSPHRASE')).toBe(true);
    expect((wrong as Error).message).not.toContain('wrong passphrase here');
    const flipped = keyFile.replace(/"ciphertext": "(.)/, (_, c: string) => `"ciphertext": "${c === 'A' ? 'B' : 'A'}`);
    expect(isAppError(await rejection(openKeyFile(parseKeyFile(flipped), PASSPHRASE)), 'workflows')).toBe(true);
    expect(
      isAppError(
        await rejection(Promise.resolve().then(() => parseKeyFile('{"format":"x"}'))),
        'workflows',
        'BAD_KEY_FILE',
      ),
    ).toBe(true);
    expect(await openKeyFile(parseKeyFile(keyFile), PASSPHRASE)).toHaveLength(32);
  });

  it('is removed from this browser only once the relay holds the same key', async () => {
    const kept = await keepKeyLikeAnOlderKeyward(PASSPHRASE);
    for (const relayHolds of [undefined, '0000000000000000']) {
      const refused = await rejection(forgetMasterKey(relayHolds));
      expect(isAppError(refused, 'workflows', 'MASTER_KEY_NOT_IN_RELAY')).toBe(true);
      expect((await masterKeyStatus())?.fingerprint).toBe(kept.fingerprint);
    }
    await forgetMasterKey(kept.fingerprint);
    expect(await masterKeyStatus()).toBeNull();
    await forgetMasterKey(undefined); // nothing left to remove: nothing to refuse
  });
});
