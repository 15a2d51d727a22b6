import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesEqual, concatBytes, fromBase64, fromHex, isHex, toBase64, toHex } from './bytes';

describe('hex', () => {
  it('writes two upper-case digits a byte, or lower-case and separated when asked', () => {
    const b = Uint8Array.of(0x00, 0x0a, 0xa4, 0xff);
    expect(toHex(b)).toBe('000AA4FF');
    expect(toHex(b, { lower: true })).toBe('000aa4ff');
    expect(toHex(b, { separator: ' ' })).toBe('00 0A A4 FF');
    expect(toHex([])).toBe('');
  });

  it('reads either case and ignores whitespace between digits', () => {
    expect(fromHex('00 a4 04 00\n0A')).toEqual(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x0a));
    expect(fromHex('')).toEqual(new Uint8Array(0));
  });

  it('refuses an odd digit count and non-hex characters', () => {
    expect(() => fromHex('abc')).toThrow(expect.objectContaining({ layer: 'bytes', code: 'NOT_HEX' }));
    expect(() => fromHex('0g')).toThrow(expect.objectContaining({ code: 'NOT_HEX' }));
    expect(isHex('0A1b')).toBe(true);
    expect(isHex('0A 1b')).toBe(false);
    expect(isHex('0A1')).toBe(false);
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (b, lower) => {
        expect(fromHex(toHex(b, { lower, separator: ' ' }))).toEqual(b);
      }),
    );
  });
});

describe('concatBytes', () => {
  it('joins the parts in order into a new array', () => {
    const a = Uint8Array.of(1, 2);
    const joined = concatBytes(a, [], [3], Uint8Array.of(4, 5));
    expect(joined).toEqual(Uint8Array.of(1, 2, 3, 4, 5));
    joined[0] = 9;
    expect(a[0]).toBe(1);
    expect(concatBytes()).toEqual(new Uint8Array(0));
  });
});

describe('bytesEqual', () => {
  it('is true only for the same length and the same bytes', () => {
    expect(bytesEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4))).toBe(false);
    expect(bytesEqual(Uint8Array.of(0, 2, 3), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(bytesEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});

describe('base64', () => {
  it('RFC 4648 §10 vectors, both ways', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, b64] of vectors) {
      expect(toBase64(new TextEncoder().encode(text))).toBe(b64);
      expect(new TextDecoder().decode(fromBase64(b64))).toBe(text);
    }
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => bytesEqual(fromBase64(toBase64(bytes)), bytes)),
    );
  });
});
