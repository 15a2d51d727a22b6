import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '../app-error';
import { atrFromHex, parseAtr } from './atr';
import { buildPpsRequest, choosePps, decodePps, parsePpsResponse } from './pps';

const hex = (s: string) => atrFromHex(s);
// YubiKey 5 NFC: TA1 = 13 (Fi 372, Di 4, f(max) 5 MHz), T=1 only.
const yubikey = parseAtr(hex('3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40'));
// 3B (TS) 90 (T0: TA1 TD1, K 0) 96 (TA1: Fi 512, Di 32, 5 MHz) 80 (TD1: TD2, T=0) 01 (TD2: T=1) 87 (TCK)
const fast = parseAtr(hex('3B 90 96 80 01 87'));
// A typical reader: 4 MHz clock, up to 344 086 bps, list of rates.
const reader = { maxDataRate: 344_086, defaultClockKhz: 4000, maxClockKhz: 4000 };

describe('choosePps (ISO/IEC 7816-3:2006 §9)', () => {
  it('picks TA1 when the reader can do it', () => {
    // 4 MHz · 4 / 372 = 43 010.75 bps
    const c = choosePps(yubikey, reader, 1);
    expect(c).toMatchObject({ protocol: 1, pps1: 0x13, fi: 372, di: 4 });
    expect(c!.bitRate).toBeCloseTo(43_010.75, 1);
  });

  it('steps Di down to what the reader allows', () => {
    // Fi 512: Di 32 → 250 000, Di 16 → 125 000, Di 8 → 62 500 bps at 4 MHz.
    const c = choosePps(fast, { ...reader, maxDataRate: 130_000 }, 0);
    expect(c).toMatchObject({ pps1: 0x95, fi: 512, di: 16, bitRate: 125_000 });
    const listed = choosePps(fast, { ...reader, dataRates: [10_753, 62_500, 250_001] }, 0);
    expect(listed).toMatchObject({ pps1: 0x96, di: 32 }); // 250 000 within 2 bps of 250 001
    const onlySlow = choosePps(fast, { ...reader, dataRates: [10_753, 62_500] }, 0);
    expect(onlySlow).toMatchObject({ pps1: 0x94, di: 8 });
  });

  it('returns null when the default suffices, a bare protocol PPS when only T differs', () => {
    const slowReader = { ...reader, dataRates: [10_753] };
    expect(choosePps(fast, slowReader, 0)).toBeNull();
    expect(choosePps(fast, slowReader, 1)).toEqual({ protocol: 1, fi: 372, di: 1, bitRate: 4e6 / 372 });
  });

  it('respects f(max): a 5 MHz card is not clocked at 8 MHz', () => {
    expect(choosePps(yubikey, { ...reader, defaultClockKhz: 8000, maxClockKhz: 8000, maxDataRate: 1e6 }, 1)).toBeNull();
  });

  it('returns null in specific mode and refuses unoffered protocols', () => {
    // 3B (TS) 90 (T0: TA1 TD1) 11 (TA1) 11 (TD1: TA2, T=1) 01 (TA2: specific mode, T=1, §8.3) 91 (TCK)
    const specific = parseAtr(hex('3B 90 11 11 01 91'));
    expect(specific.specificMode?.protocol).toBe(1);
    expect(choosePps(specific, reader, 1)).toBeNull();
    expect(() => choosePps(yubikey, reader, 0)).toThrow(expect.objectContaining({ code: 'PPS_UNSUPPORTED_PROTOCOL' }));
  });
});

describe('PPS request / response (§9.2, §9.3)', () => {
  it('encodes PPSS PPS0 PPS1 PCK', () => {
    // FF (PPSS) 11 (PPS0: PPS1 present, T=1) 13 (PPS1: FI 1 DI 3) FD (PCK = FF^11^13)
    expect(buildPpsRequest({ protocol: 1, pps1: 0x13 })).toEqual(hex('FF 11 13 FD'));
    // FF 00 (T=0, no PPS1) FF (PCK)
    expect(buildPpsRequest({ protocol: 0 })).toEqual(hex('FF 00 FF'));
  });

  it('accepts an echo, or a response without PPS1 (then Fd/Dd apply)', () => {
    const req = hex('FF 11 13 FD');
    expect(parsePpsResponse(req, hex('FF 11 13 FD'))).toEqual({ protocol: 1, pps1: 0x13 });
    expect(parsePpsResponse(req, hex('FF 01 FE'))).toEqual({ protocol: 1 });
  });

  it.each([
    ['FF 11 14 FA', 'PPS_REFUSED'], // PPS1 differs
    ['FF 10 13 FC', 'PPS_REFUSED'], // protocol differs
    ['FF 11 13 FC', 'PPS_INVALID'], // bad PCK
    ['FF 11 FD', 'PPS_INVALID'], //    PPS1 announced, missing
    ['FE 01 FF', 'PPS_INVALID'], //    not PPSS
    ['FF 01', 'PPS_INVALID'], //       too short
  ])('rejects response %s (%s)', (res, code) => {
    expect(() => parsePpsResponse(hex('FF 11 13 FD'), hex(res))).toThrow(expect.objectContaining({ code }));
  });

  it('round-trips any request and never throws non-AppErrors on junk', () => {
    fc.assert(
      fc.property(
        fc.nat(14),
        fc.option(fc.nat(255)),
        fc.option(fc.nat(255)),
        fc.uint8Array({ maxLength: 8 }),
        (t, p1, p2, junk) => {
          const fields = { protocol: t, ...(p1 === null ? {} : { pps1: p1 }), ...(p2 === null ? {} : { pps2: p2 }) };
          const req = buildPpsRequest(fields);
          expect(decodePps(req)).toEqual(fields);
          expect(parsePpsResponse(req, req)).toEqual(fields);
          try {
            parsePpsResponse(req, junk);
          } catch (e) {
            expect(isAppError(e, 'ccid')).toBe(true);
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
