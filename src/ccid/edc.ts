/**
 * Error detection codes of T=1 blocks (ISO/IEC 7816-3:2006 §11.4.4 and §11.3.1 epilogue field).
 *
 * - LRC: one byte, the exclusive-OR of every byte of the block before it (NAD PCB LEN INF).
 * - CRC: two bytes, the frame check sequence of ISO/IEC 3309 (now ISO/IEC 13239): generator
 *   x¹⁶ + x¹² + x⁵ + 1, register preset to all ones, bits processed least significant first (the order
 *   they go on the line), ones' complement of the result sent low-order byte first.
 *   (This is the function catalogued as CRC-16/X-25; check value for "123456789" is 906E.)
 *   Some drivers descended from OpenCT omit the complement and send the high byte first; cards that
 *   announce CRC are rare and the standard is followed here.
 */

/** Which EDC a T=1 block carries (TC of the first T=1 group, §11.4.4: b1 = 0 LRC, 1 CRC). */
export type Edc = 'lrc' | 'crc';

/** Bytes of epilogue each EDC takes. */
export const EDC_LENGTH = { lrc: 1, crc: 2 } as const;

/** LRC: XOR of all bytes (§11.4.4). */
export function lrc(bytes: Uint8Array, end = bytes.length): number {
  let x = 0;
  for (let i = 0; i < end; i++) x ^= bytes[i]!;
  return x;
}

// 0x8408 is 0x1021 (x¹⁶ + x¹² + x⁵ + 1 without x¹⁶) bit-reversed, for LSB-first processing.
const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** The ISO/IEC 3309 FCS of `bytes[0..end)`, as the 16-bit value (low byte goes on the line first). */
export function crc16(bytes: Uint8Array, end = bytes.length): number {
  let c = 0xffff;
  for (let i = 0; i < end; i++) c = (c >>> 8) ^ CRC_TABLE[(c ^ bytes[i]!) & 0xff]!;
  return ~c & 0xffff;
}

/** The epilogue bytes for `bytes[0..end)` (§11.3.1). */
export function computeEdc(edc: Edc, bytes: Uint8Array, end = bytes.length): Uint8Array {
  if (edc === 'lrc') return Uint8Array.of(lrc(bytes, end));
  const c = crc16(bytes, end);
  return Uint8Array.of(c & 0xff, c >>> 8);
}

/** True when the last EDC_LENGTH[edc] bytes of `block` are the right EDC for the bytes before them. */
export function checkEdc(edc: Edc, block: Uint8Array): boolean {
  const n = EDC_LENGTH[edc];
  if (block.length < n) return false;
  const want = computeEdc(edc, block, block.length - n);
  return want.every((b, i) => block[block.length - n + i] === b);
}
