/**
 * Detect from transcripts (SP 800-73-4 Part 2 §3.1.1, §3.2.1; Yubico PIV extensions FD/F8/F7).
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes';
import { createTranscriptTransport } from '../../test/support/transcript';
import { detectCard } from './detect';

const YUBIKEY_ATR = fromHex('3BFD1300008131FE158073C021C057597562694B657940');
const SELECT = `
  => 00 A4 04 00 05 A0 00 00 03 08 00
  <= 61 11 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08 90 00`;

async function detect(script: string, atr = YUBIKEY_ATR) {
  const t = createTranscriptTransport(script, { atr });
  const result = await detectCard(t);
  t.assertDone();
  return result;
}

describe('detectCard', () => {
  it('YubiKey 5.4.3: version, 3DES management key from metadata, serial, PIN and PUK tries', async () => {
    const d = await detect(`${SELECT}
      => 00 FD 00 00 00
      <= 05 04 03 90 00
      => 00 F7 00 9B 00
      <= 01 01 03 02 02 00 01 05 01 01 90 00     # 3DES, touch never, default
      => 00 F7 00 80 00
      <= 01 01 FF 05 01 01 06 02 03 02 90 00     # PIN: 3 tries, 2 left
      => 00 F8 00 00 00
      <= 00 BC 61 4E 90 00                       # serial 12345678
      => 00 F7 00 81 00
      <= 01 01 FF 05 01 01 06 02 03 03 90 00     # PUK: 3 left`);
    expect(d).toEqual({
      kind: 'yubikey',
      typeName: 'YubiKey 5 · PIV · firmware 5.4.3 · serial 12345678',
      atr: '3BFD1300008131FE158073C021C057597562694B657940',
      capabilities: {
        algorithms: ['RSA1024', 'RSA2048', 'ECCP256', 'ECCP384'],
        managementKeyAlgorithm: 'TDES',
        pinRetries: 2,
        pukRetries: 3,
        serial: 12345678,
        firmware: '5.4.3',
      },
    });
  });

  it('YubiKey before 5.3 (no metadata: 6D00) falls back to 3DES and the empty VERIFY', async () => {
    const d = await detect(`${SELECT}
      => 00 FD 00 00 00
      <= 04 03 05 90 00
      => 00 F7 00 9B 00
      <= 6D 00
      => 00 F7 00 80 00
      <= 6D 00
      => 00 20 00 80
      <= 63 C3
      => 00 F8 00 00 00
      <= 00 00 30 39 90 00
      => 00 F7 00 81 00
      <= 6D 00`);
    expect(d.typeName).toBe('YubiKey 4 · PIV · firmware 4.3.5 · serial 12345');
    expect(d.capabilities).toMatchObject({ managementKeyAlgorithm: 'TDES', pinRetries: 3, pukRetries: undefined });
  });

  it('a plain PIV card: no Yubico instructions (6D00 / 6A81); algorithms from the SELECT template', async () => {
    const d = await detect(`
      => 00 A4 04 00 05 A0 00 00 03 08 00
      <= 61 1B 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08 AC 08 80 01 07 80 01 11 06 00 90 00
      => 00 FD 00 00 00
      <= 6D 00
      => 00 F7 00 9B 00
      <= 6A 81
      => 00 F7 00 80 00
      <= 6A 81
      => 00 20 00 80
      <= 63 C5`);
    expect(d).toMatchObject({
      kind: 'piv',
      typeName: 'PIV card',
      capabilities: { algorithms: ['RSA2048', 'ECCP256'], managementKeyAlgorithm: 'TDES', pinRetries: 5 },
    });
  });

  it('a card without PIV (SELECT → 6A82) is "Unknown card (ATR …)", not an exception', async () => {
    const d = await detect(
      `=> 00 A4 04 00 05 A0 00 00 03 08 00\n<= 6A 82`,
      fromHex('3B8F8001804F0CA000000306030001000000006A'),
    );
    expect(d).toEqual({
      kind: 'unknown',
      typeName: 'Unknown card (ATR 3B8F8001804F0CA000000306030001000000006A)',
      atr: '3B8F8001804F0CA000000306030001000000006A',
    });
  });

  it('a malformed SELECT answer (no 61 template) is an unknown card too', async () => {
    const d = await detect(
      `=> 00 A4 04 00 05 A0 00 00 03 08 00\n<= 6F 03 84 01 AA 90 00   # an FCI, not a PIV template`,
    );
    expect(d.kind).toBe('unknown');
  });

  it('a transport failure is not mistaken for an unknown card', async () => {
    const t = createTranscriptTransport('');
    t.transmit = async () => {
      throw Object.assign(new Error('card removed'), { name: 'AppError', layer: 'transport', code: 'CARD_REMOVED' });
    };
    await expect(detectCard(t)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
  });
});
