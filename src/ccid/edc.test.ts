import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkEdc, computeEdc, crc16, lrc } from './edc';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('T=1 EDC (ISO/IEC 7816-3:2006 §11.4.4)', () => {
  it('LRC is the XOR of the bytes', () => {
    // NAD 00, PCB 00, LEN 02, INF 90 00 → 00^00^02^90^00 = 92
    expect(lrc(Uint8Array.of(0x00, 0x00, 0x02, 0x90, 0x00))).toBe(0x92);
    expect(lrc(new Uint8Array(0))).toBe(0);
  });

  it('CRC is the ISO 3309 FCS (CRC-16/X-25 check value 906E), low byte first', () => {
    expect(crc16(ascii('123456789'))).toBe(0x906e);
    expect(computeEdc('crc', ascii('123456789'))).toEqual(Uint8Array.of(0x6e, 0x90));
    // S(RESYNCH request): NAD 00, PCB C0, LEN 00
    const block = Uint8Array.of(0x00, 0xc0, 0x00);
    expect(checkEdc('crc', Uint8Array.of(...block, ...computeEdc('crc', block)))).toBe(true);
  });

  it('detects every single-byte error (LRC) and every burst up to 16 bits (CRC)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 3, maxLength: 260 }),
        fc.nat(),
        fc.integer({ min: 1, max: 0xffff }),
        (body, at, mask) => {
          for (const edc of ['lrc', 'crc'] as const) {
            const block = Uint8Array.of(...body, ...computeEdc(edc, body));
            expect(checkEdc(edc, block)).toBe(true);
            const i = at % (block.length - 1);
            const bad = block.slice();
            bad[i]! ^= edc === 'lrc' ? mask & 0xff || 1 : mask & 0xff;
            if (edc === 'crc') bad[i + 1]! ^= mask >> 8;
            if (!bad.every((b, j) => b === block[j])) expect(checkEdc(edc, bad)).toBe(false);
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
