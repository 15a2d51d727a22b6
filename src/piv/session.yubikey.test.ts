/**
 * Transcripts for the YubiKey PIV extensions (Yubico SDK user's manual, PIV APDU pages): GET VERSION
 * (FD), GET SERIAL (F8), GET METADATA (F7), SET PIN RETRIES (FA), ATTEST (F9), RESET (FB).
 */
import { describe, expect, it } from 'vitest';
import { replayPiv, replayPivError } from '../../test/support/transcript-piv';

const P256_G_XY =
  '6B 17 D1 F2 E1 2C 42 47 F8 BC E6 E5 63 A4 40 F2 77 03 7D 81 2D EB 33 A0 F4 A1 39 45 D8 98 C2 96' +
  ' 4F E3 42 E2 FE 1A 7F 9B 8E E7 EB 4A 7C 0F 9E 16 2B CE 33 57 6B 31 5E CE CB B6 40 68 37 BF 51 F5';

describe('GET VERSION / GET SERIAL', () => {
  it('reads firmware 5.4.3 and serial 12345678 (00 BC 61 4E)', async () => {
    const r = await replayPiv(
      `
      => 00 FD 00 00 00         # GET VERSION, Le 00
      <= 05 04 03 90 00         # major 5, minor 4, patch 3
      => 00 F8 00 00 00         # GET SERIAL
      <= 00 BC 61 4E 90 00      # 12345678, big-endian`,
      async (s) => [await s.getVersion(), await s.getSerial()],
    );
    expect(r).toEqual([{ major: 5, minor: 4, patch: 3 }, 12345678]);
  });

  it('a PIV card without the extension (6D00) → NOT_SUPPORTED', async () => {
    const e = await replayPivError(`=> 00 F8 00 00 00\n<= 6D 00`, (s) => s.getSerial());
    expect(e).toMatchObject({ code: 'NOT_SUPPORTED', fields: { operation: 'get-serial' } });
  });
});

describe('GET METADATA', () => {
  it('9B: algorithm, touch policy, default flag', async () => {
    const m = await replayPiv(
      `
      => 00 F7 00 9B 00         # P2 9B = management key
      <= 01 01 0A               # algorithm AES-192
         02 02 00 01            # PIN policy (n/a) 00, touch policy never 01
         05 01 01               # still the default key
         90 00`,
      (s) => s.getMetadata(0x9b),
    );
    expect(m).toEqual({
      algorithmId: 0x0a,
      algorithm: 'AES192',
      pinPolicy: 'DEFAULT',
      touchPolicy: 'NEVER',
      isDefault: true,
    });
  });

  it('80 and 81: retry counters; getPukRetries reads the remaining count', async () => {
    const r = await replayPiv(
      `
      => 00 F7 00 80 00
      <= 01 01 FF 05 01 00 06 02 05 04 90 00   # PIN: not default, 5 tries of which 4 left
      => 00 F7 00 81 00
      <= 01 01 FF 05 01 01 06 02 03 03 90 00   # PUK: default, 3 of 3`,
      async (s) => [await s.getMetadata(0x80), await s.getPukRetries()],
    );
    expect(r[0]).toMatchObject({ algorithmId: 0xff, isDefault: false, retries: { total: 5, remaining: 4 } });
    expect(r[1]).toBe(3);
  });

  it('9A: origin and the public key (04 { 86 point })', async () => {
    const m = await replayPiv(
      `
      => 00 F7 00 9A 00
      <= 01 01 11 02 02 02 03 03 01 01          # ECC P-256, PIN once, touch cached, generated
         04 43 86 41 04 ${P256_G_XY}            # public key
         90 00`,
      (s) => s.getMetadata(0x9a),
    );
    expect(m).toMatchObject({ algorithm: 'ECCP256', pinPolicy: 'ONCE', touchPolicy: 'CACHED', origin: 'generated' });
    expect(m.publicKey).toMatchObject({ algorithm: 'ECCP256' });
  });

  it('an empty slot (6A82) → NOT_FOUND; firmware before 5.3 (6D00) → NOT_SUPPORTED', async () => {
    expect(await replayPivError(`=> 00 F7 00 9D 00\n<= 6A 82`, (s) => s.getMetadata(0x9d))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await replayPivError(`=> 00 F7 00 9B 00\n<= 6D 00`, (s) => s.getMetadata(0x9b))).toMatchObject({
      code: 'NOT_SUPPORTED',
    });
  });
});

describe('SET PIN RETRIES, ATTEST, RESET', () => {
  it('sets 5 PIN and 4 PUK tries in P1/P2; needs authentication first (6982)', async () => {
    await replayPiv(`=> 00 FA 05 04   # P1 PIN tries, P2 PUK tries, no data\n<= 90 00`, (s) => s.setPinRetries(5, 4));
    expect(await replayPivError(`=> 00 FA 05 04\n<= 69 82`, (s) => s.setPinRetries(5, 4))).toMatchObject({
      code: 'SECURITY_STATUS',
    });
    expect(await replayPivError('', (s) => s.setPinRetries(0, 3))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('attests slot 9A (P1 = slot) and returns the certificate bytes', async () => {
    const cert = await replayPiv(`=> 00 F9 9A 00 00\n<= 30 03 02 01 00 90 00`, (s) => s.attest(0x9a));
    expect(cert).toEqual(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00));
  });

  it('resets; refused (6985) while PIN or PUK is not blocked → COMMAND_FAILED with the apdu cause', async () => {
    await replayPiv(`=> 00 FB 00 00\n<= 90 00`, (s) => s.reset());
    const e = await replayPivError(`=> 00 FB 00 00\n<= 69 85`, (s) => s.reset());
    expect(e).toMatchObject({ code: 'COMMAND_FAILED', fields: { sw: 0x6985 } });
    expect((e as Error).cause).toMatchObject({ layer: 'apdu', code: 'CONDITIONS_NOT_SATISFIED' });
  });
});
