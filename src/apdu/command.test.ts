import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '../bytes';
import { isAppError } from '../app-error';
import { decodeCommand, encodeCommand, type CommandApdu } from './command';

const aid = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08);

describe('encodeCommand (ISO/IEC 7816-4:2020 §5.1, §5.2)', () => {
  it.each<[string, CommandApdu, boolean, string]>([
    // case 1: CLA INS P1 P2
    ['case 1', { cla: 0, ins: 0xa4, p1: 4, p2: 0 }, false, '00 A4 04 00'],
    // case 2S: … Le; Ne 256 → 00; Ne 0 ("all") → 00
    ['case 2S', { cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 16 }, false, '00 CB 3F FF 10'],
    ['case 2S Ne 256', { cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 256 }, false, '00 CB 3F FF 00'],
    ['case 2S Ne 0', { cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 0 }, false, '00 CB 3F FF 00'],
    // case 3S: … Lc data
    ['case 3S', { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: aid }, false, '00 A4 04 00 05 A0 00 00 03 08'],
    // case 4S: … Lc data Le
    ['case 4S', { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: aid, le: 0 }, false, '00 A4 04 00 05 A0 00 00 03 08 00'],
    // case 2E: … 00 Le1 Le2; Ne 65536 → 00 00 00
    ['case 2E', { cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 1000 }, true, '00 CB 3F FF 00 03 E8'],
    ['case 2E Ne 65536', { cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 65536 }, true, '00 CB 3F FF 00 00 00'],
    // case 3E: … 00 Lc1 Lc2 data
    ['case 3E', { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: aid }, true, '00 A4 04 00 00 00 05 A0 00 00 03 08'],
    // case 4E: … 00 Lc1 Lc2 data Le1 Le2
    [
      'case 4E',
      { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: aid, le: 256 },
      true,
      '00 A4 04 00 00 00 05 A0 00 00 03 08 01 00',
    ],
  ])('%s', (_n, cmd, extended, bytes) => {
    const encoded = encodeCommand(cmd, { extended });
    expect(toHex(encoded, { separator: ' ' })).toBe(bytes);
    const back = decodeCommand(encoded);
    expect(back.data).toEqual(cmd.data ?? new Uint8Array(0));
    expect(back.le).toBe(cmd.le === 0 ? (extended ? 65536 : 256) : cmd.le);
  });

  it.each<[string, CommandApdu, boolean]>([
    ['data > 255 short', { cla: 0, ins: 0xdb, p1: 0x3f, p2: 0xff, data: new Uint8Array(256) }, false],
    ['Ne > 256 short', { cla: 0, ins: 0xcb, p1: 0, p2: 0, le: 257 }, false],
    ['Ne > 65536', { cla: 0, ins: 0xcb, p1: 0, p2: 0, le: 65537 }, true],
    ['INS 6X', { cla: 0, ins: 0x61, p1: 0, p2: 0 }, false],
    ['INS 9X', { cla: 0, ins: 0x90, p1: 0, p2: 0 }, false],
    ['CLA FF', { cla: 0xff, ins: 0xa4, p1: 0, p2: 0 }, false],
    ['P1 not a byte', { cla: 0, ins: 0xa4, p1: 256, p2: 0 }, false],
    ['negative Ne', { cla: 0, ins: 0xa4, p1: 0, p2: 0, le: -1 }, false],
  ])('refuses %s with COMMAND_INVALID', (_n, cmd, extended) => {
    expect(() => encodeCommand(cmd, { extended })).toThrow(
      expect.objectContaining({ layer: 'apdu', code: 'COMMAND_INVALID' }),
    );
  });

  it('decode(encode(x)) = x for every valid command; junk never throws non-AppErrors', () => {
    const cmd = fc.record({
      cla: fc.nat(0xfe),
      ins: fc.nat(255).filter((i) => (i & 0xf0) !== 0x60 && (i & 0xf0) !== 0x90),
      p1: fc.nat(255),
      p2: fc.nat(255),
      data: fc.option(fc.uint8Array({ minLength: 1, maxLength: 600 })),
      le: fc.option(fc.integer({ min: 1, max: 65536 })),
    });
    fc.assert(
      fc.property(cmd, fc.uint8Array({ maxLength: 20 }), (c, junk) => {
        const data = c.data ?? undefined;
        const le = c.le ?? undefined;
        const extended = (data?.length ?? 0) > 255 || (le ?? 0) > 256;
        const back = decodeCommand(encodeCommand({ ...c, data, le }, { extended }));
        expect([back.cla, back.ins, back.p1, back.p2, back.le, back.extended]).toEqual([
          c.cla,
          c.ins,
          c.p1,
          c.p2,
          le,
          extended,
        ]);
        expect(back.data).toEqual(data ?? new Uint8Array(0));
        try {
          decodeCommand(junk);
        } catch (e) {
          expect(isAppError(e, 'apdu', 'COMMAND_INVALID')).toBe(true);
        }
      }),
      { numRuns: 5_000 },
    );
  });
});
