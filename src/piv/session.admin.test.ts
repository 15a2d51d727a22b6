/**
 * Transcripts for management-key authentication (SP 800-73-4 Part 2 §3.2.4, Appendix A.1; 7C template
 * 80 witness / 81 challenge / 82 response) and Yubico SET MANAGEMENT KEY (INS FF). The 3DES exchange is
 * DESIGN.md's known-answer vector; the AES-128 one is FIPS-197 Appendix C.1. The host challenge comes
 * from `crypto.getRandomValues`, fixed here so that the transcript is static.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromHex } from '../bytes';
import { replayPiv, replayPivError } from '../../test/support/transcript-piv';

const KAT_KEY = fromHex('8A98F110D3497B022100B774DF0EF99B53EF4B8E3B918604');

function fixRandom(hex: string): void {
  vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    (array as unknown as Uint8Array).set(fromHex(hex));
    return array;
  });
}
afterEach(() => vi.restoreAllMocks());

describe('management key: mutual authentication', () => {
  it('3DES: deciphers the witness and checks the card enciphered our challenge (DESIGN.md KAT)', async () => {
    fixRandom('AC29A45E1F428A23');
    await replayPiv(
      `
      => 00 87 03 9B            # GENERAL AUTHENTICATE, P1 03 = 3DES, P2 9B = card management key
         04 7C 02 80 00         # Lc 4: 7C { 80 00 } = "give me a witness"
         00                     # Le
      <= 7C 0A 80 08 39 A0 A8 E9 F5 28 87 75   # 7C { 80 08 E(K, W) }
         90 00
      => 00 87 03 9B 16         # Lc 22
         7C 14                  # dynamic authentication template, 20 bytes
         80 08 D0 FE 1A 35 A4 E9 40 F8         # W, deciphered
         81 08 AC 29 A4 5E 1F 42 8A 23         # our challenge C
         00
      <= 7C 0A 82 08 A4 C4 D9 23 74 59 7F 64   # 82: E(K, C), which we check
         90 00`,
      (s) => s.authenticate(KAT_KEY, 'TDES'),
    );
  });

  it('AES-128 (P1 08): 16-byte witness and challenge (FIPS-197 C.1)', async () => {
    fixRandom('00112233445566778899AABBCCDDEEFF');
    await replayPiv(
      `
      => 00 87 08 9B 04 7C 02 80 00 00
      <= 7C 12 80 10 69 C4 E0 D8 6A 7B 04 30 D8 CD B7 80 70 B4 C5 5A 90 00
      => 00 87 08 9B 26 7C 24
         80 10 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF   # witness, deciphered
         81 10 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF   # challenge
         00
      <= 7C 12 82 10 69 C4 E0 D8 6A 7B 04 30 D8 CD B7 80 70 B4 C5 5A 90 00`,
      (s) => s.authenticate(fromHex('000102030405060708090A0B0C0D0E0F'), 'AES128'),
    );
  });

  it('a wrong key: the card answers 6982 to the witness step → AUTH_FAILED', async () => {
    const e = await replayPivError(
      `
      => 00 87 03 9B 04 7C 02 80 00 00
      <= 7C 0A 80 08 39 A0 A8 E9 F5 28 87 75 90 00
      => 00 87 03 9B 16 7C 14 80 08 .. .. .. .. .. .. .. .. 81 08 .. .. .. .. .. .. .. .. 00   # witness deciphered under the wrong key
      <= 69 82                  # security status not satisfied`,
      (s) => s.authenticate(new Uint8Array(24).fill(0x42), 'TDES'),
    );
    expect(e).toMatchObject({ layer: 'piv', code: 'AUTH_FAILED', fields: { sw: 0x6982 } });
    expect((e as Error).message).not.toMatch(/42424242/);
  });

  it('a card that cannot prove the key (wrong 82) → AUTH_FAILED', async () => {
    fixRandom('AC29A45E1F428A23');
    const e = await replayPivError(
      `
      => 00 87 03 9B 04 7C 02 80 00 00
      <= 7C 0A 80 08 39 A0 A8 E9 F5 28 87 75 90 00
      => 00 87 03 9B 16 7C 14 80 08 D0 FE 1A 35 A4 E9 40 F8 81 08 AC 29 A4 5E 1F 42 8A 23 00
      <= 7C 0A 82 08 00 00 00 00 00 00 00 00 90 00`,
      (s) => s.authenticate(KAT_KEY, 'TDES'),
    );
    expect(e).toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('a malformed answer (no 7C) is RESPONSE_INVALID', async () => {
    const e = await replayPivError(`=> 00 87 03 9B 04 7C 02 80 00 00\n<= 80 08 39 A0 A8 E9 F5 28 87 75 90 00`, (s) =>
      s.authenticate(KAT_KEY),
    );
    expect(e).toMatchObject({ code: 'RESPONSE_INVALID' });
  });
});

describe('management key: external (one-way) authentication', () => {
  it('enciphers the card challenge (DESIGN.md KAT) and sends it in 82', async () => {
    await replayPiv(
      `
      => 00 87 03 9B 04 7C 02 81 00 00      # 7C { 81 00 } = "give me a challenge"
      <= 7C 0A 81 08 AC 29 A4 5E 1F 42 8A 23 90 00
      => 00 87 03 9B 0C 7C 0A 82 08 A4 C4 D9 23 74 59 7F 64   # 82: E(K, challenge), no Le
      <= 90 00`,
      (s) => s.authenticate(KAT_KEY, 'TDES', 'external'),
    );
  });
});

describe('SET MANAGEMENT KEY (Yubico INS FF)', () => {
  it('3DES without touch: P1 FF, P2 FF, data 03 ‖ 9B 18 ‖ key', async () => {
    await replayPiv(
      `
      => 00 FF FF FF            # P2 FF = no touch required
         1B                     # Lc 27
         03                     # algorithm 3DES
         9B 18                  # key reference 9B, 24 bytes
         8A 98 F1 10 D3 49 7B 02 21 00 B7 74 DF 0E F9 9B 53 EF 4B 8E 3B 91 86 04
      <= 90 00`,
      (s) => s.setManagementKey('TDES', KAT_KEY),
    );
  });

  it('AES-256 with touch (P2 FE); 6982 before authentication → SECURITY_STATUS', async () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const e = await replayPivError(
      `
      => 00 FF FF FE 23 0C 9B 20          # Lc 35: 0C = AES-256, 9B, 32 bytes
         00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F
      <= 69 82`,
      (s) => s.setManagementKey('AES256', key, 'always'),
    );
    expect(e).toMatchObject({ code: 'SECURITY_STATUS' });
  });

  it('refuses a key of the wrong length before sending anything', async () => {
    const e = await replayPivError('', (s) => s.setManagementKey('AES192', new Uint8Array(16)));
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
