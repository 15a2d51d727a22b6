import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../bytes';
import { isAppError } from '../app-error';
import { deriveManagementKey, importCardMasterKey } from '../cards/admin-secrets';
import { openKeywardDb } from '../store/db';
import { readMasterKey } from '../store/master-key';
import {
  currentMasterKey,
  exportMasterKeyFile,
  FINGERPRINT_LABEL,
  generateMasterKey,
  importMasterKeyFile,
  masterKeyStatus,
  passphraseProblem,
} from './master-key';

const PASSPHRASE = 'correct horse battery staple';
const card = { serial: 12345678 };

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

/** What another browser does: forget the key (clear site data). */
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

describe('card master key', () => {
  beforeEach(forgetKey);

  it('asks for a passphrase of at least 12 characters, typed the same twice', () => {
    expect(passphraseProblem('short')).toMatch(/at least 12/);
    expect(passphraseProblem(PASSPHRASE, `${PASSPHRASE}!`)).toMatch(/differ/);
    expect(passphraseProblem(PASSPHRASE, PASSPHRASE)).toBeNull();
  });

  it('generates a key file in the documented format whose fingerprint comes from HKDF bits, not the raw key', async () => {
    expect(await currentMasterKey()).toBeNull();
    const status = await generateMasterKey(PASSPHRASE);
    const { text, fileName } = await exportMasterKeyFile();
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual(['format', 'version', 'kdf', 'cipher', 'ciphertext', 'fingerprint']);
    expect(file).toMatchObject({
      format: 'keyward-card-master-key',
      version: 1,
      kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: 600000 },
      cipher: { name: 'AES-GCM' },
    });
    expect(file.fingerprint).toBe(status.fingerprint);
    expect(fileName).toBe(`keyward-card-master-key-${status.fingerprint.slice(0, 8)}.json`);
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
    expect(status.fingerprint).toBe(expected);
    const rawDigest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw)).slice(0, 8);
    expect(status.fingerprint).not.toBe(toHex(rawDigest, { lower: true }));

    const key = (await currentMasterKey())!;
    expect(key.extractable).toBe(false);
    expect(key.usages).toEqual(['deriveBits']);
    // The stored key derives what the file's key derives.
    expect(await deriveManagementKey(key, card, 'AES192')).toEqual(
      await deriveManagementKey(await importCardMasterKey(raw), card, 'AES192'),
    );
  });

  it('imports the exported file in another browser: same fingerprint, same card secrets; export gives the same file', async () => {
    const made = await generateMasterKey(PASSPHRASE);
    const { text } = await exportMasterKeyFile();
    const secret = await deriveManagementKey((await currentMasterKey())!, card, 'AES192');
    await forgetKey();
    expect(await masterKeyStatus()).toBeNull();
    const imported = await importMasterKeyFile(text, PASSPHRASE);
    expect(imported.fingerprint).toBe(made.fingerprint);
    expect(await deriveManagementKey((await currentMasterKey())!, card, 'AES192')).toEqual(secret);
    expect((await exportMasterKeyFile()).text).toBe(text);
  });

  it('refuses a wrong passphrase, a damaged file and an unconfirmed replacement, changing nothing', async () => {
    await generateMasterKey(PASSPHRASE);
    const { text } = await exportMasterKeyFile();
    const before = await readMasterKey();
    const wrong = await rejection(importMasterKeyFile(text, 'wrong passphrase here', { replace: true }));
    expect(isAppError(wrong, 'workflows', 'WRONG_PASSPHRASE')).toBe(true);
    expect((wrong as Error).message).not.toContain('wrong passphrase here');
    const tampered = text.replace(/"fingerprint": "[0-9a-f]{16}"/, '"fingerprint": "0000000000000000"');
    expect(
      isAppError(
        await rejection(importMasterKeyFile(tampered, PASSPHRASE, { replace: true })),
        'workflows',
        'BAD_KEY_FILE',
      ),
    ).toBe(true);
    expect(
      isAppError(
        await rejection(importMasterKeyFile('{"format":"x"}', PASSPHRASE, { replace: true })),
        'workflows',
        'BAD_KEY_FILE',
      ),
    ).toBe(true);
    expect(isAppError(await rejection(importMasterKeyFile(text, PASSPHRASE)), 'workflows', 'MASTER_KEY_EXISTS')).toBe(
      true,
    );
    expect(isAppError(await rejection(generateMasterKey(PASSPHRASE)), 'workflows', 'MASTER_KEY_EXISTS')).toBe(true);
    expect(
      isAppError(await rejection(generateMasterKey('short', { replace: true })), 'workflows', 'WEAK_PASSPHRASE'),
    ).toBe(true);
    expect(await readMasterKey()).toEqual(before);
  });

  it('replaces the key only when asked to', async () => {
    const first = await generateMasterKey(PASSPHRASE);
    const second = await generateMasterKey(PASSPHRASE, { replace: true });
    expect(second.fingerprint).not.toBe(first.fingerprint);
    expect((await masterKeyStatus())?.fingerprint).toBe(second.fingerprint);
  });
});
