import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';
import {
  ADMIN_SECRET_LABELS,
  deriveAdminSecrets,
  deriveCardSecretBits,
  deriveManagementKey,
  derivePuk,
  importCardMasterKey,
  pukFromBytes,
} from './admin-secrets';

const master = () => importCardMasterKey(Uint8Array.from({ length: 32 }, (_, i) => i * 3 + 1));

describe('card master key', () => {
  it('is a non-extractable HKDF key usable only for deriveBits', async () => {
    const key = await master();
    expect(key.extractable).toBe(false);
    expect(key.usages).toEqual(['deriveBits']);
    expect(key.algorithm.name).toBe('HKDF');
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    await expect(importCardMasterKey(new Uint8Array(16))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a key without deriveBits is refused with MASTER_KEY_UNUSABLE', async () => {
    const wrong = await crypto.subtle.importKey('raw', new Uint8Array(32), 'HKDF', false, ['deriveKey']);
    await expect(derivePuk(wrong, { serial: 1 })).rejects.toMatchObject({
      layer: 'cards',
      code: 'MASTER_KEY_UNUSABLE',
    });
  });
});

describe('derivation', () => {
  it('matches RFC 5869 HKDF-SHA256 with an empty salt (independent computation)', async () => {
    const raw = Uint8Array.from({ length: 32 }, (_, i) => i * 3 + 1);
    const info = new TextEncoder().encode(`${ADMIN_SECRET_LABELS.PUK}\u0000serial:42\u00000`);
    // HKDF-Extract with an empty salt uses a zero-filled HashLen key (RFC 5869 §2.2); Expand T(1) = HMAC(PRK, info ‖ 01).
    const hmac = async (k: Uint8Array, m: Uint8Array) =>
      new Uint8Array(
        await crypto.subtle.sign(
          'HMAC',
          await crypto.subtle.importKey('raw', Uint8Array.from(k), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
          Uint8Array.from(m),
        ),
      );
    const prk = await hmac(new Uint8Array(32), raw);
    const t1 = await hmac(prk, Uint8Array.from([...info, 1]));
    expect(
      await deriveCardSecretBits(await importCardMasterKey(raw), ADMIN_SECRET_LABELS.PUK, { serial: 42 }, 32),
    ).toEqual(t1);
  });

  it('is deterministic per card, and differs across cards and labels', async () => {
    const key = await master();
    const a1 = await deriveAdminSecrets(key, { serial: 12345678 }, 'AES192');
    const a2 = await deriveAdminSecrets(key, { serial: 12345678 }, 'AES192');
    const b = await deriveAdminSecrets(key, { serial: 12345679 }, 'AES192');
    const c = await deriveAdminSecrets(
      key,
      {
        chuidFascn: 'D4E739DA739CED39CE739D836858210842108421C84210C3EB',
        chuidGuid: '5b1c2e6f-3a4d-4e8b-9c7d-1f2e3a4b5c6d',
      },
      'AES192',
    );
    expect(a1).toEqual(a2);
    expect(toHex(b.managementKey)).not.toBe(toHex(a1.managementKey));
    expect(b.puk).not.toBe(a1.puk);
    expect(toHex(c.managementKey)).not.toBe(toHex(a1.managementKey));
    const mk = await deriveCardSecretBits(key, ADMIN_SECRET_LABELS.MANAGEMENT_KEY, { serial: 1 }, 32);
    const pk = await deriveCardSecretBits(key, ADMIN_SECRET_LABELS.PUK, { serial: 1 }, 32);
    expect(toHex(mk)).not.toBe(toHex(pk));
  });

  it('sizes the management key for the algorithm and never returns the defaults', async () => {
    const key = await master();
    for (const [alg, len] of [
      ['TDES', 24],
      ['AES128', 16],
      ['AES192', 24],
      ['AES256', 32],
    ] as const) {
      const k = await deriveManagementKey(key, { serial: 7 }, alg);
      expect(k.length).toBe(len);
      expect(toHex(k)).not.toBe(toHex(DEFAULT_MANAGEMENT_KEY));
    }
    for (let serial = 0; serial < 50; serial++) {
      const puk = await derivePuk(key, { serial });
      expect(puk).toMatch(/^\d{8}$/);
      expect(puk).not.toBe('12345678');
    }
  });

  it('refuses malformed identities', async () => {
    const key = await master();
    await expect(derivePuk(key, { serial: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(derivePuk(key, { chuidFascn: 'zz', chuidGuid: 'x' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('pukFromBytes (no modulo bias)', () => {
  it('rejects words at or above 4 200 000 000 and skips the factory PUK', () => {
    const word = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    expect(pukFromBytes(Uint8Array.from(word(4_199_999_999)))).toBe('99999999');
    expect(pukFromBytes(Uint8Array.from(word(4_200_000_000)))).toBeUndefined();
    expect(pukFromBytes(Uint8Array.from([...word(0xffffffff), ...word(5)]))).toBe('00000005');
    expect(pukFromBytes(Uint8Array.from([...word(12345678), ...word(100_000_001)]))).toBe('00000001');
  });

  it('gives each leading digit about equally often over many derivations', () => {
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) counts[Number(pukFromBytes(crypto.getRandomValues(new Uint8Array(32)))![0])]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(250); // ±5.6σ of a binomial(20000, 0.1)
  });
});
