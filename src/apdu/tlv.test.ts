import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../bytes';
import { isAppError } from '../app-error';
import { decodeTlv, encodeTlv, encodeTlvs, findTlv, isConstructedTag } from './tlv';

/** Byte equality without the deep-equal machinery (it dominates property-test run time). */
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

describe('BER-TLV (ISO/IEC 7816-4:2020 §6.3, X.690 §8.1)', () => {
  it('decodes a PIV discovery-style object with nested and multi-byte tags', () => {
    const bytes = fromHex(
      '53 0D' + //                      53: b6 = 0, primitive (PIV wraps data objects in it), length 13
        '5F C1 02 03 01 02 03' + //    5FC102: 3-byte tag, length 3
        '7E 04 4F 02 A0 00', //        7E: constructed (b6 = 1), holding 4F (AID) of length 2
    );
    const [outer] = decodeTlv(bytes);
    expect(outer).toMatchObject({ tag: 0x53, constructed: false });
    const inner = decodeTlv(outer!.value);
    expect(inner.map((t) => [t.tag, t.constructed, t.value.length])).toEqual([
      [0x5fc102, false, 3],
      [0x7e, true, 4],
    ]);
    expect(findTlv(inner, 0x4f)?.value).toEqual(fromHex('A0 00'));
    expect(findTlv(bytes, 0x4f)).toBeUndefined(); // 53 is primitive, so find does not look inside
    expect(findTlv(outer!.value, 0x5fc102)?.value).toEqual(fromHex('01 02 03'));
  });

  it.each([
    ['short length', 0x80, 5, '80 05'],
    ['81 form', 0x80, 200, '80 81 C8'],
    ['82 form', 0x53, 1000, '53 82 03 E8'],
    ['83 form', 0x53, 70000, '53 83 01 11 70'],
  ])('encodes %s minimally', (_n, tag, len, head) => {
    const enc = encodeTlv(tag, new Uint8Array(len));
    expect(enc.slice(0, fromHex(head).length)).toEqual(fromHex(head));
    expect(decodeTlv(enc)[0]!.value.length).toBe(len);
  });

  it('accepts 84-form lengths and non-minimal long forms on decode', () => {
    expect(decodeTlv(fromHex('04 84 00 00 00 02 AA BB'))[0]!.value).toEqual(fromHex('AA BB'));
    expect(decodeTlv(fromHex('04 81 01 AA'))[0]!.value).toEqual(fromHex('AA'));
  });

  it.each([
    ['length past end', '04 05 01 02'],
    ['indefinite length', '24 80 00 00'],
    ['5 length bytes', '04 85 00 00 00 00 01 00'],
    ['tag past end', '5F'],
    ['tag of 5 bytes', '5F 81 81 81 01 00'],
    ['length missing', '04'],
    ['long length past end', '04 82 01'],
  ])('refuses %s with TLV_INVALID', (_n, bytes) => {
    expect(() => decodeTlv(fromHex(bytes))).toThrow(expect.objectContaining({ layer: 'apdu', code: 'TLV_INVALID' }));
  });

  it('skips 00/FF padding only when asked', () => {
    const padded = fromHex('00 FF 04 01 AA 00 00');
    expect(decodeTlv(padded, { allowPadding: true }).map((t) => t.tag)).toEqual([0x04]);
    expect(() => decodeTlv(padded)).toThrow(expect.objectContaining({ code: 'TLV_INVALID' }));
  });

  it('refuses tags that are not 1..4 bytes', () => {
    expect(() => encodeTlv(0, new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'TLV_INVALID' }));
    expect(() => encodeTlv(2 ** 32, new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'TLV_INVALID' }));
    expect(isConstructedTag(0x7f49)).toBe(true);
    expect(isConstructedTag(0x5fc105)).toBe(false);
  });
});

/** A well-formed tag (X.690 §8.1.2): one byte (number < 31) or 2..4 bytes with continuation bits. */
const tagArb = fc.oneof(
  fc
    .record({ cls: fc.nat(3), c: fc.boolean(), n: fc.integer({ min: 1, max: 30 }) })
    .map(({ cls, c, n }) => (cls << 6) | (c ? 0x20 : 0) | n),
  fc
    .record({
      cls: fc.nat(3),
      c: fc.boolean(),
      rest: fc.array(fc.integer({ min: 1, max: 127 }), { minLength: 1, maxLength: 3 }),
    })
    .map(({ cls, c, rest }) =>
      rest.reduce((t, b, i) => t * 256 + (i < rest.length - 1 ? 0x80 | b : b), (cls << 6) | (c ? 0x20 : 0) | 0x1f),
    ),
);

describe('BER-TLV properties', () => {
  it('decode(encode(objects)) = objects', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tag: tagArb, value: fc.uint8Array({ maxLength: 140 }) }), { maxLength: 4 }),
        (objs) => {
          const back = decodeTlv(encodeTlvs(objs));
          const ok =
            back.length === objs.length &&
            back.every(
              (t, i) =>
                t.tag === objs[i]!.tag && t.constructed === isConstructedTag(t.tag) && same(t.value, objs[i]!.value),
            );
          if (!ok) expect(back).toEqual(objs); // fails with a readable diff
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('finds a tag nested in constructed objects', () => {
    fc.assert(
      fc.property(
        tagArb.filter((t) => t !== 0x7f21),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(3),
        (tag, value, depth) => {
          let wrapped = encodeTlv(tag, value);
          for (let i = 0; i < depth; i++) wrapped = encodeTlv(0x7f21, wrapped); // 7F21: constructed
          const hit = findTlv(wrapped, tag);
          expect(hit !== undefined && same(hit.value, value)).toBe(true);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('random bytes never throw anything but TLV_INVALID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, allowPadding) => {
        try {
          const objs = decodeTlv(bytes, { allowPadding });
          findTlv(objs, 0x4f, { allowPadding });
        } catch (e) {
          if (!isAppError(e, 'apdu', 'TLV_INVALID')) throw e;
        }
      }),
      { numRuns: 20_000 },
    );
  });
});
