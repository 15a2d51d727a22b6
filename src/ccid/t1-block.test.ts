import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../bytes';
import { block, decodeBlock, encodeBlock, type T1Block } from './t1-block';

describe('T=1 block codec (ISO/IEC 7816-3:2006 §11.3)', () => {
  it.each<[string, T1Block, string]>([
    // NAD 00 | PCB 00 (I, N(S) 0, M 0) | LEN 04 | INF 00 A4 04 00 | LRC A4
    ['I(0)', block.i(0, false, fromHex('00 A4 04 00')), '00 00 04 00 A4 04 00 A4'],
    // NAD 00 | PCB 60 (I, N(S) 1, M 1) | LEN 01 | INF 42 | LRC 23
    ['I(1, M)', block.i(1, true, fromHex('42')), '00 60 01 42 23'],
    // NAD 00 | PCB 90 (R, N(R) 1, no error) | LEN 00 | LRC 90
    ['R(1)', block.r(1), '00 90 00 90'],
    // NAD 00 | PCB 81 (R, N(R) 0, EDC error) | LEN 00 | LRC 81
    ['R(0, edc)', block.r(0, 'edc'), '00 81 00 81'],
    // NAD 00 | PCB C1 (S IFS request) | LEN 01 | INF FE | LRC 3E
    ['S(IFS req)', block.s('IFS', false, fromHex('FE')), '00 C1 01 FE 3E'],
    // NAD 00 | PCB E3 (S WTX response) | LEN 01 | INF 02 | LRC E0
    ['S(WTX resp)', block.s('WTX', true, fromHex('02')), '00 E3 01 02 E0'],
    // NAD 00 | PCB C0 (S RESYNCH request) | LEN 00 | LRC C0
    ['S(RESYNCH req)', block.s('RESYNCH', false), '00 C0 00 C0'],
    // NAD 00 | PCB E2 (S ABORT response) | LEN 00 | LRC E2
    ['S(ABORT resp)', block.s('ABORT', true), '00 E2 00 E2'],
  ])('%s ↔ %s', (_name, b, bytes) => {
    expect(encodeBlock(b, 'lrc')).toEqual(fromHex(bytes));
    expect(decodeBlock(fromHex(bytes), 'lrc')).toEqual(b);
  });

  it('carries a CRC epilogue of two bytes', () => {
    const raw = encodeBlock(block.r(0), 'crc');
    expect(raw.length).toBe(5);
    expect(decodeBlock(raw, 'crc')).toEqual(block.r(0));
    expect(decodeBlock(raw, 'lrc')).toBe('edc');
  });

  it.each([
    ['00 00 05 00 A4 04 00 A5', 'format'], // LEN says 5, 4 present
    ['00 00 04 00 A4 04 00 A5', 'edc'], //    LRC wrong
    ['00 01 00 01', 'format'], //             I-block with RFU bit b1
    ['00 A0 00 A0', 'format'], //             R-block with b6 set
    ['00 83 00 83', 'format'], //             R-block error code 0011
    ['00 C1 00 C1', 'format'], //             S(IFS) without INF
    ['00 C1 01 FF 3F', 'format'], //          IFS FF is RFU
    ['00 C4 00 C4', 'format'], //             S type 00100 not defined here
    ['00 90 01 00 91', 'format'], //          R-block with INF
    ['00 00', 'format'], //                   too short
  ])('rejects %s as %s', (bytes, fault) => {
    expect(decodeBlock(fromHex(bytes), 'lrc')).toBe(fault);
  });

  it('refuses INF longer than the receiver’s IFS', () => {
    const raw = encodeBlock(block.i(0, false, new Uint8Array(33)), 'lrc');
    expect(decodeBlock(raw, 'lrc', 32)).toBe('format');
    expect(decodeBlock(raw, 'lrc', 33)).not.toBe('format');
  });

  it('round-trips every block and never throws on random bytes', () => {
    const anyBlock = fc.oneof(
      fc
        .record({
          ns: fc.constantFrom(0 as const, 1 as const),
          more: fc.boolean(),
          inf: fc.uint8Array({ maxLength: 254 }),
          nad: fc.nat(255),
        })
        .map(({ ns, more, inf, nad }) => block.i(ns, more, inf, nad)),
      fc
        .record({
          nr: fc.constantFrom(0 as const, 1 as const),
          e: fc.constantFrom('none' as const, 'edc' as const, 'other' as const),
        })
        .map(({ nr, e }) => block.r(nr, e)),
      fc
        .record({ t: fc.constantFrom('RESYNCH' as const, 'ABORT' as const), r: fc.boolean() })
        .map(({ t, r }) => block.s(t, r)),
      fc
        .record({
          t: fc.constantFrom('IFS' as const, 'WTX' as const),
          r: fc.boolean(),
          v: fc.integer({ min: 1, max: 254 }),
        })
        .map(({ t, r, v }) => block.s(t, r, Uint8Array.of(v))),
    );
    fc.assert(
      fc.property(
        anyBlock,
        fc.constantFrom('lrc' as const, 'crc' as const),
        fc.uint8Array({ maxLength: 40 }),
        (b, edc, junk) => {
          expect(decodeBlock(encodeBlock(b, edc), edc)).toEqual(b);
          const r = decodeBlock(junk, edc);
          expect(typeof r === 'string' ? ['edc', 'format'] : ['I', 'R', 'S']).toContain(
            typeof r === 'string' ? r : r.kind,
          );
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
