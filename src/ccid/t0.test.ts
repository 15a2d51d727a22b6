import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../bytes';
import { isAppError } from '../app-error';
import { apduToT0Tpdu, classifyApdu, createT0Card, createT0Host } from './t0';

describe('T=0 TPDU mapping (ISO/IEC 7816-3:2006 §12.2)', () => {
  it.each([
    // case 1: header only → P3 = 00
    ['00 A4 04 00', '00 A4 04 00 00'],
    // case 2S: header + Le 10 → P3 = Le
    ['00 CA 01 02 10', '00 CA 01 02 10'],
    // case 2S: Le 00 (256) → P3 = 00
    ['00 B0 00 00 00', '00 B0 00 00 00'],
    // case 3S: header + Lc 02 + data → same
    ['00 20 00 80 02 31 32', '00 20 00 80 02 31 32'],
    // case 4S: header + Lc 05 + AID + Le 00 → Le dropped; the card answers 61xx
    ['00 A4 04 00 05 A0 00 00 03 08 00', '00 A4 04 00 05 A0 00 00 03 08'],
  ])('maps %s → %s', (apdu, tpdu) => {
    expect(toHex(apduToT0Tpdu(fromHex(apdu)), { separator: ' ' })).toBe(tpdu);
  });

  it.each([
    ['00 CA 01 02 00 00 10'], //        case 2E: 00 + Le (2 bytes)
    ['00 DB 3F FF 00 00 02 53 00'], //  case 3E: 00 + Lc (2 bytes) + data
  ])('refuses extended %s with T0_EXTENDED_UNSUPPORTED', async (apdu) => {
    const host = createT0Host(async () => fromHex('90 00'));
    await expect(host.transceive(fromHex(apdu))).rejects.toMatchObject({ code: 'T0_EXTENDED_UNSUPPORTED' });
  });

  it('classifies and rejects malformed APDUs', () => {
    expect(classifyApdu(fromHex('00 A4 04 00 05 A0 00 00 03 08 00'))).toMatchObject({
      case: 4,
      ne: 256,
      extended: false,
    });
    expect(classifyApdu(fromHex('00 CB 3F FF 00 00 03 5C 01 7E 00 00'))).toMatchObject({
      case: 4,
      ne: 65536,
      extended: true,
    });
    for (const bad of ['00 A4 04', '00 A4 04 00 05 A0', '00 A4 04 00 00 00', '00 A4 04 00 00 00 00 01']) {
      expect(() => classifyApdu(fromHex(bad))).toThrow(expect.objectContaining({ code: 'APDU_MALFORMED' }));
    }
  });

  it('passes the response TPDU back unchanged (61xx and 6Cxx are ApduChannel’s)', async () => {
    const sent: string[] = [];
    const host = createT0Host(async (tpdu) => (sent.push(toHex(tpdu, { separator: ' ' })), fromHex('61 20')));
    expect(toHex(await host.transceive(fromHex('00 A4 04 00 05 A0 00 00 03 08 00')), { separator: ' ' })).toBe('61 20');
    expect(sent).toEqual(['00 A4 04 00 05 A0 00 00 03 08']);
    const short = createT0Host(async () => fromHex('90'));
    await expect(short.transceive(fromHex('00 A4 04 00'))).rejects.toMatchObject({ code: 'T0_PROTOCOL' });
  });
});

describe('T=0 card side', () => {
  // An application that returns n bytes of 0..n-1 followed by 90 00, n from P1P2.
  const seen: string[] = [];
  const app = async (apdu: Uint8Array) => {
    seen.push(toHex(apdu, { separator: ' ' }));
    const n = (apdu[2]! << 8) | apdu[3]!;
    const out = new Uint8Array(n + 2);
    for (let i = 0; i < n; i++) out[i] = i & 0xff;
    out.set([0x90, 0x00], n);
    return out;
  };

  it('answers a case 4 TPDU with 61xx and serves the data by GET RESPONSE in ≤256-byte pieces', async () => {
    const card = createT0Card(app);
    seen.length = 0;
    // case 3/4 TPDU: 80 10 (P1P2 = 600 bytes) Lc 01 data 00
    expect(toHex(await card.receiveTpdu(fromHex('80 10 02 58 01 00')), { separator: ' ' })).toBe('61 00'); // ≥ 256 bytes wait
    expect(seen).toEqual(['80 10 02 58 01 00']); // the handler saw the command without Le
    const first = await card.receiveTpdu(fromHex('00 C0 00 00 00'));
    expect(first.length).toBe(258);
    expect(toHex(first.slice(-2), { separator: ' ' })).toBe('61 00'); // 344 left → still ≥ 256
    const second = await card.receiveTpdu(fromHex('00 C0 00 00 00'));
    expect(toHex(second.slice(-2), { separator: ' ' })).toBe('61 58'); // 88 left
    expect(toHex(await card.receiveTpdu(fromHex('00 C0 00 00 60')), { separator: ' ' })).toBe('6C 58'); // asks too much: 6C 58
    const last = await card.receiveTpdu(fromHex('00 C0 00 00 58'));
    expect(toHex(last.slice(-2), { separator: ' ' })).toBe('90 00');
    expect(last[87]).toBe(599 & 0xff);
    expect(seen.length).toBe(1); // GET RESPONSE was served from the kept data
  });

  it('answers 6Cxx on a case 2 Le mismatch, then the exact Le succeeds', async () => {
    const card = createT0Card(app);
    expect(toHex(await card.receiveTpdu(fromHex('80 CA 00 20 10')), { separator: ' ' })).toBe('6C 20');
    expect((await card.receiveTpdu(fromHex('80 CA 00 20 20'))).length).toBe(0x22);
    expect(toHex(await card.receiveTpdu(fromHex('80 CA 00 00 00')), { separator: ' ' })).toBe('90 00'); // no data: SW only
    expect(toHex(await card.receiveTpdu(fromHex('80 CA 00 05 00')), { separator: ' ' })).toBe('6C 05'); // P3 00 = 256 ≠ 5
  });

  it('answers 6700 to a TPDU whose length does not match P3', async () => {
    const card = createT0Card(app);
    expect(toHex(await card.receiveTpdu(fromHex('80 10 00 00 03 01')), { separator: ' ' })).toBe('67 00');
    expect(toHex(await card.receiveTpdu(fromHex('80 10')), { separator: ' ' })).toBe('67 00');
  });

  it('host ↔ card: any short APDU arrives as the card would see it, any response is recoverable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(700), fc.uint8Array({ minLength: 1, maxLength: 255 }), async (n, data) => {
        const card = createT0Card(app);
        const host = createT0Host((t) => card.receiveTpdu(t));
        // case 4: Lc data Le 00; then GET RESPONSE until 9000, as ApduChannel will do
        const apdu = Uint8Array.from([0x80, 0x10, n >> 8, n & 0xff, data.length, ...data, 0]);
        let r = await host.transceive(apdu);
        const got: number[] = [];
        while (r[r.length - 2] === 0x61) {
          r = await host.transceive(Uint8Array.from([0x00, 0xc0, 0, 0, r[r.length - 1]!]));
          got.push(...r.slice(0, -2));
        }
        expect(toHex(r.slice(-2), { separator: ' ' })).toBe('90 00');
        expect(got.length).toBe(n);
        expect(got.every((b, i) => b === (i & 0xff))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws non-AppErrors on random TPDUs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (tpdu) => {
        const card = createT0Card(async () => fromHex('90 00'));
        const r = await card.receiveTpdu(tpdu);
        expect(r.length).toBeGreaterThanOrEqual(2);
        try {
          apduToT0Tpdu(tpdu);
        } catch (e) {
          expect(isAppError(e, 'ccid')).toBe(true);
        }
      }),
      { numRuns: 5_000 },
    );
  });
});
