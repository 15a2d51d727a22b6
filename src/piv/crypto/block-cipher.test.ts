/**
 * Known-answer tests for the management-key ciphers (DESIGN.md "Known-answer vectors", from Yubico's
 * .NET SDK tests; AES from FIPS-197 Appendix C).
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes';
import { aesCipher, managementKeyCipher, tdesCipher } from './block-cipher';

describe('3DES (des.js EDE, one block)', () => {
  const key = fromHex('8A98F110D3497B022100B774DF0EF99B53EF4B8E3B918604');
  it('deciphers the card witness 39A0A8E9F5288775 to D0FE1A35A4E940F8', async () => {
    expect(toHex(await tdesCipher(key).decryptBlock(fromHex('39A0A8E9F5288775')))).toBe('D0FE1A35A4E940F8');
  });
  it('enciphers the host challenge AC29A45E1F428A23 to A4C4D92374597F64', async () => {
    expect(toHex(await tdesCipher(key).encryptBlock(fromHex('AC29A45E1F428A23')))).toBe('A4C4D92374597F64');
  });
  it('enciphers FA17B0C74A46B0A7 under the default key 0102…08 ×3 to 14CFC65EEABADF1D', async () => {
    const def = fromHex('010203040506070801020304050607080102030405060708');
    expect(toHex(await tdesCipher(def).encryptBlock(fromHex('FA17B0C74A46B0A7')))).toBe('14CFC65EEABADF1D');
  });
  it('refuses a wrong key or block length', async () => {
    expect(() => tdesCipher(new Uint8Array(16))).toThrow(/24 bytes/);
    await expect(tdesCipher(key).encryptBlock(new Uint8Array(9))).rejects.toThrow(/8 bytes/);
  });
});

describe('AES one block via AES-CBC with a zero IV', () => {
  // FIPS-197 Appendix C: plaintext 00112233445566778899AABBCCDDEEFF, key 000102…
  const plain = fromHex('00112233445566778899AABBCCDDEEFF');
  const cases = [
    ['AES-128', '000102030405060708090A0B0C0D0E0F', '69C4E0D86A7B0430D8CDB78070B4C55A'],
    ['AES-192', '000102030405060708090A0B0C0D0E0F1011121314151617', 'DDA97CA4864CDFE06EAF70A0EC0D7191'],
    ['AES-256', '000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F', '8EA2B7CA516745BFEAFC49904B496089'],
  ] as const;
  for (const [name, key, cipher] of cases) {
    it(`${name}: enciphers and deciphers the FIPS-197 vector`, async () => {
      const c = await aesCipher(fromHex(key));
      expect(toHex(await c.encryptBlock(plain))).toBe(cipher);
      expect(toHex(await c.decryptBlock(fromHex(cipher)))).toBe(toHex(plain));
    });
  }
  it('round-trips a block whose bytes would look like padding', async () => {
    const c = await aesCipher(new Uint8Array(24).fill(7));
    const block = new Uint8Array(16).fill(0x10);
    expect(await c.decryptBlock(await c.encryptBlock(block))).toEqual(block);
  });
});

describe('managementKeyCipher', () => {
  it('checks the key length against the algorithm', async () => {
    await expect(managementKeyCipher('AES192', new Uint8Array(16))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await managementKeyCipher('AES128', new Uint8Array(16))).blockSize).toBe(16);
    expect((await managementKeyCipher('TDES', new Uint8Array(24))).blockSize).toBe(8);
  });
});
