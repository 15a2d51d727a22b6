/**
 * Transcripts for PIN and PUK operations (SP 800-73-4 Part 2 §3.2.1–§3.2.3), written from the spec:
 * VERIFY 00 20 00 80, CHANGE REFERENCE DATA 00 24 00 80|81, RESET RETRY COUNTER 00 2C 00 80; each PIN
 * or PUK field is 8 bytes, ASCII padded with FF (§2.4.3).
 */
import { describe, expect, it } from 'vitest';
import { replayPiv, replayPivError } from '../../test/support/transcript-piv';
import { encodePin, validatePin } from './pin';

describe('VERIFY', () => {
  it('verifies the PIN: "123456" padded with FF to 8 bytes', async () => {
    await replayPiv(
      `
      => 00 20 00 80       # CLA, INS VERIFY, P1 00, P2 80 = PIV Card Application PIN
         08                # Lc
         31 32 33 34 35 36 FF FF   # "123456" ‖ FF FF
      <= 90 00`,
      (s) => s.verifyPin('123456'),
    );
  });

  it('maps 63C2 to PIN_INVALID with 2 tries left, without the PIN in the message', async () => {
    const e = await replayPivError(
      `
      => 00 20 00 80 08 39 39 39 39 39 39 FF FF   # "999999"
      <= 63 C2                                    # verification failed, 2 tries left`,
      (s) => s.verifyPin('999999'),
    );
    expect(e).toMatchObject({
      layer: 'piv',
      code: 'PIN_INVALID',
      fields: { retriesLeft: 2, reference: 'PIN', sw: 0x63c2 },
    });
    expect((e as Error).message).not.toContain('999999');
  });

  it('maps 6983 (authentication method blocked) to PIN_BLOCKED with 0 tries left', async () => {
    const e = await replayPivError(`=> 00 20 00 80 08 31 32 33 34 35 36 FF FF\n<= 69 83`, (s) => s.verifyPin('123456'));
    expect(e).toMatchObject({ code: 'PIN_BLOCKED', fields: { retriesLeft: 0 } });
  });

  it('treats 63C0 as blocked too', async () => {
    const e = await replayPivError(`=> 00 20 00 80 08 31 32 33 34 35 36 FF FF\n<= 63 C0`, (s) => s.verifyPin('123456'));
    expect(e).toMatchObject({ code: 'PIN_BLOCKED', fields: { retriesLeft: 0 } });
  });

  it('asks for the PIN status with an empty VERIFY (case 1, no Lc): 63C3 = not verified, 3 tries', async () => {
    const status = await replayPiv(
      `
      => 00 20 00 80       # VERIFY with no data field: status only, no try consumed
      <= 63 C3
      => 00 20 00 80
      <= 90 00             # verified in this session
      => 00 20 00 80
      <= 69 83             # blocked`,
      async (s) => [await s.getPinStatus(), await s.getPinStatus(), await s.getPinStatus()],
    );
    expect(status).toEqual([
      { verified: false, retriesLeft: 3 },
      { verified: true },
      { verified: false, retriesLeft: 0 },
    ]);
  });

  it('sends nothing for a PIN of the wrong length or with non-ASCII characters', async () => {
    for (const bad of ['12345', '123456789', '12345 6', 'päss123']) {
      const e = await replayPivError('', (s) => s.verifyPin(bad));
      expect(e).toMatchObject({ layer: 'piv', code: 'INVALID_ARGUMENT' });
      expect((e as Error).message).not.toContain(bad);
    }
  });
});

describe('CHANGE REFERENCE DATA', () => {
  it('changes the PIN: old ‖ new, 16 bytes', async () => {
    await replayPiv(
      `
      => 00 24 00 80 10                  # CHANGE REFERENCE DATA, P2 80 = PIN, Lc 16
         31 32 33 34 35 36 FF FF         # current "123456"
         37 33 39 31 30 34 38 32         # new "73910482" (8 characters, no padding)
      <= 90 00`,
      (s) => s.changePin('123456', '73910482'),
    );
  });

  it('changes the PUK (P2 81); a wrong PUK is PIN_INVALID with reference PUK', async () => {
    const e = await replayPivError(
      `
      => 00 24 00 81 10                  # P2 81 = PIN Unblocking Key
         31 32 33 34 35 36 37 38         # current "12345678"
         38 37 36 35 34 33 32 31         # new "87654321"
      <= 63 C1`,
      (s) => s.changePuk('12345678', '87654321'),
    );
    expect(e).toMatchObject({ code: 'PIN_INVALID', fields: { reference: 'PUK', retriesLeft: 1 } });
  });
});

describe('RESET RETRY COUNTER', () => {
  it('unblocks the PIN with the PUK: PUK ‖ new PIN', async () => {
    await replayPiv(
      `
      => 00 2C 00 80 10                  # RESET RETRY COUNTER, P2 80 = the PIN is reset
         31 32 33 34 35 36 37 38         # PUK "12345678"
         36 35 34 33 32 31 FF FF         # new PIN "654321"
      <= 90 00`,
      (s) => s.unblockPin('12345678', '654321'),
    );
  });

  it('maps a blocked PUK (6983) to PIN_BLOCKED with reference PUK', async () => {
    const e = await replayPivError(`=> 00 2C 00 80 10 31 32 33 34 35 36 37 38 36 35 34 33 32 31 FF FF\n<= 69 83`, (s) =>
      s.unblockPin('12345678', '654321'),
    );
    expect(e).toMatchObject({ code: 'PIN_BLOCKED', fields: { reference: 'PUK', retriesLeft: 0 } });
  });
});

describe('PIN encoding', () => {
  it('pads with FF to 8 bytes and accepts 6 to 8 printable characters', () => {
    expect(encodePin('abc!23')).toEqual(Uint8Array.of(0x61, 0x62, 0x63, 0x21, 0x32, 0x33, 0xff, 0xff));
    expect(encodePin('12345678')).toEqual(new TextEncoder().encode('12345678'));
    expect(() => validatePin('1234567', 'PUK')).not.toThrow();
    expect(() => validatePin('12345', 'PUK')).toThrow(/PUK must be 6 to 8/);
  });
});
