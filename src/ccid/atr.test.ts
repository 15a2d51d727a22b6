import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '../app-error';
import { atrFromHex, decodeTa1, parseAtr } from './atr';

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Expects `fn` to throw ATR_INVALID with the given fault reason. */
function expectInvalid(fn: () => unknown, reason: string): void {
  try {
    fn();
  } catch (e) {
    expect(isAppError(e, 'ccid', 'ATR_INVALID')).toBe(true);
    expect((e as { fields: { reason: string } }).fields.reason).toBe(reason);
    return;
  }
  expect.fail('expected ATR_INVALID');
}

describe('parseAtr (ISO/IEC 7816-3:2006 §8.2)', () => {
  it('parses a YubiKey 5 NFC ATR (T=1, IFSC 254)', () => {
    const atr = parseAtr(
      atrFromHex(
        '3B' + //  TS: direct convention
          'FD' + //  T0: Y1 = F (TA1 TB1 TC1 TD1), K = 13 historical bytes
          '13' + //  TA1: FI = 1 (Fi 372, 5 MHz), DI = 3 (Di 4)
          '00' + //  TB1: (deprecated VPP)
          '00' + //  TC1: extra guard time N = 0
          '81' + //  TD1: Y2 = 8 (TD2), T = 1
          '31' + //  TD2: Y3 = 3 (TA3 TB3), T = 1
          'FE' + //  TA3: IFSC = 254 (§11.4.2)
          '15' + //  TB3: BWI = 1, CWI = 5 (§11.4.3)
          '8073C021C057597562694B6579' + // historical: 80 category, 73 card capabilities, "YubiKey"
          '40', //   TCK
      ),
    );
    expect(atr.convention).toBe('direct');
    expect(atr.protocols).toEqual([1]);
    expect([atr.fi, atr.di, atr.fMaxHz, atr.ta1]).toEqual([372, 4, 5e6, 0x13]);
    expect(atr.t1).toEqual({ ifsc: 254, bwi: 1, cwi: 5, edc: 'lrc' });
    expect(atr.tck).toBe(0x40);
    expect(new TextDecoder().decode(atr.historical.slice(6))).toBe('YubiKey');
    expect(atr.interfaceGroups.map((g) => g.protocol)).toEqual([undefined, 1, 1]);
    expect(atr.specificMode).toBeUndefined();
  });

  it('parses specific mode, CRC, T=15 global bytes', () => {
    const atr = parseAtr(
      atrFromHex(
        '3B' + //  TS
          'D0' + //  T0: Y1 = D (TA1 TC1 TD1), K = 0
          '96' + //  TA1: FI = 9 (Fi 512, 5 MHz), DI = 6 (Di 32)
          'FF' + //  TC1: N = 255 (minimum guard time)
          '91' + //  TD1: Y2 = 9 (TA2 TD2), T = 1
          '11' + //  TA2: b8 = 0 (may change), b5 = 1 (implicit parameters), T = 1 (§8.3)
          'F1' + //  TD2: Y3 = F (TA3 TB3 TC3 TD3), T = 1
          '80' + //  TA3: IFSC = 128
          '45' + //  TB3: BWI = 4, CWI = 5
          '01' + //  TC3: b1 = 1, CRC (§11.4.4)
          '1F' + //  TD3: Y4 = 1 (TA4), T = 15 (global)
          '03' + //  TA4: clock stop / class indicator
          '10', //   TCK
      ),
    );
    expect([atr.fi, atr.di, atr.fMaxHz, atr.extraGuardTime]).toEqual([512, 32, 5e6, 255]);
    expect(atr.specificMode).toEqual({ protocol: 1, canChange: true, implicitParameters: true });
    expect(atr.t1).toEqual({ ifsc: 128, bwi: 4, cwi: 5, edc: 'crc' });
    expect(atr.protocols).toEqual([1]);
    expect(atr.interfaceGroups[3]).toEqual({ index: 4, protocol: 15, ta: 0x03 });
  });

  it('parses T=0 only with TC2 (WI) and no TCK', () => {
    const atr = parseAtr(
      atrFromHex(
        '3F' + //  TS: inverse convention (bytes already decoded by the reader)
          '82' + //  T0: Y1 = 8 (TD1), K = 2
          '40' + //  TD1: Y2 = 4 (TC2), T = 0
          '14' + //  TC2: WI = 20 (§10.2)
          'ABCD', // historical
      ),
    );
    expect(atr.convention).toBe('inverse');
    expect(atr.protocols).toEqual([0]);
    expect(atr.wi).toBe(20);
    expect(atr.tck).toBeUndefined();
    expect([atr.fi, atr.di, atr.ta1, atr.fMaxHz]).toEqual([372, 1, 0x11, 5e6]); // defaults: FI 1, DI 1
    expect(atr.t1).toEqual({ ifsc: 32, bwi: 4, cwi: 13, edc: 'lrc' });
  });

  it('keeps defaults for RFU TA1 values (Tables 7, 8)', () => {
    expect(decodeTa1(0x70)).toBeUndefined(); // FI 7 RFU
    expect(decodeTa1(0x1a)).toBeUndefined(); // DI A RFU
    expect(decodeTa1(0xd8)).toEqual({ fi: 2048, di: 12, fMaxHz: 20e6 });
    // 3B 10 (TA1 only, K 0) 70 (FI 7 = RFU): no TCK (only T=0)
    const atr = parseAtr(atrFromHex('3B 10 70'));
    expect([atr.fi, atr.di, atr.fMaxHz, atr.ta1]).toEqual([372, 1, undefined, 0x70]);
  });

  it.each([
    ['', 'LENGTH'],
    ['3B', 'LENGTH'],
    ['3C 00', 'TS'],
    ['3B 10', 'TRUNCATED'], //                 TA1 announced, missing
    ['3B 02 14', 'TRUNCATED'], //              K = 2, one historical byte
    ['3B 00 00', 'TRAILING'], //               T=0 only, so no TCK allowed
    ['3B 80 01', 'TCK_MISSING'], //            TD1 T=1, no TCK
    ['3B 80 01 80', 'TCK_MISMATCH'], //        80 ^ 01 ^ 80 = 01
    ['3B 80 01 81 00', 'TRAILING'], //         byte after a good TCK
    ['3B 0F' + ' 00'.repeat(32), 'LENGTH'], // 34 bytes
  ])('rejects %j (%s)', (hex, reason) => {
    expectInvalid(() => parseAtr(atrFromHex(hex)), reason);
  });

  it('rejects non-hex text', () => expectInvalid(() => atrFromHex('3B 0G'), 'HEX'));
});

/** Builds a structurally valid ATR from random parts, computing TCK (§8.2.5). */
const validAtr = fc
  .record({
    inverse: fc.boolean(),
    groups: fc.array(
      fc.record({ ta: fc.option(fc.nat(255)), tb: fc.option(fc.nat(255)), tc: fc.option(fc.nat(255)), t: fc.nat(15) }),
      { minLength: 1, maxLength: 4 },
    ),
    hist: fc.uint8Array({ maxLength: 15 }),
  })
  .map(({ inverse, groups, hist }) => {
    // Y of group i: b1 TA, b2 TB, b3 TC, b4 TD (present when a further group follows).
    const ys = groups.map(
      (g, i) =>
        (g.ta !== null ? 1 : 0) | (g.tb !== null ? 2 : 0) | (g.tc !== null ? 4 : 0) | (i < groups.length - 1 ? 8 : 0),
    );
    const tds = groups.slice(0, -1).map((g, i) => (ys[i + 1]! << 4) | g.t);
    const body: number[] = [(ys[0]! << 4) | hist.length];
    groups.forEach((g, i) => {
      for (const v of [g.ta, g.tb, g.tc]) if (v !== null) body.push(v);
      if (i < tds.length) body.push(tds[i]!);
    });
    body.push(...hist);
    const needTck = tds.some((td) => (td & 0x0f) !== 0);
    if (needTck) body.push(body.reduce((a, b) => a ^ b, 0));
    return { bytes: Uint8Array.from([inverse ? 0x3f : 0x3b, ...body]), tds, hist, needTck };
  })
  .filter((a) => a.bytes.length <= 33);

describe('parseAtr properties', () => {
  it('parses every structurally valid ATR and recovers its parts', () => {
    fc.assert(
      fc.property(validAtr, ({ bytes, tds, hist, needTck }) => {
        const atr = parseAtr(bytes);
        const gotTds = atr.interfaceGroups.flatMap((g) => (g.td === undefined ? [] : [g.td]));
        // Plain comparisons: deep equality would dominate the run time over thousands of cases.
        expect(
          same(atr.historical, hist) && same(atr.bytes, bytes) && same(Uint8Array.from(gotTds), Uint8Array.from(tds)),
        ).toBe(true);
        expect(atr.tck !== undefined).toBe(needTck);
        expect(atr.protocols.length).toBeGreaterThan(0);
      }),
      { numRuns: 15_000 },
    );
  });

  it('reports a corrupted historical byte as a TCK mismatch', () => {
    fc.assert(
      fc.property(
        validAtr.filter((a) => a.needTck && a.hist.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (a, at, mask) => {
          // Historical bytes do not change the structure, so only the XOR can catch the change.
          const i = a.bytes.length - 1 - a.hist.length + (at % a.hist.length);
          const bad = a.bytes.slice();
          bad[i]! ^= mask;
          expect(() => parseAtr(bad)).toThrow(
            expect.objectContaining({
              code: 'ATR_INVALID',
              fields: expect.objectContaining({ reason: 'TCK_MISMATCH' }),
            }),
          );
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('never throws anything but ATR_INVALID on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (raw, forceTs) => {
        const bytes = forceTs && raw.length > 0 ? Uint8Array.from([0x3b, ...raw.slice(1)]) : raw;
        try {
          if (!same(parseAtr(bytes).bytes, bytes)) expect.fail('bytes not kept');
        } catch (e) {
          if (!isAppError(e, 'ccid', 'ATR_INVALID')) throw e;
        }
      }),
      { numRuns: 15_000 },
    );
  });
});
