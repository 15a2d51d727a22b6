/**
 * Draws the app icons (public/icons/*.png): a white key on the brand blue. Run with
 * `tsx scripts/make-icons.ts`; the PNGs are committed, so builds do not need this.
 * PNG layout per RFC 2083 (signature, IHDR, IDAT with zlib data, IEND; CRC-32 per chunk).
 */
import { concatBytes } from '../src/bytes';
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const BLUE = [0x1d, 0x4e, 0xd8];
const WHITE = [0xff, 0xff, 0xff];

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Is (x, y), in units of the icon's size, on the key? `inset` shrinks it into the maskable safe zone. */
function onKey(x: number, y: number, inset: number): boolean {
  const s = 1 - 2 * inset;
  const u = (x - inset) / s;
  const v = (y - inset) / s;
  const ring = Math.hypot(u - 0.34, v - 0.5);
  const bow = ring < 0.2 && ring > 0.09;
  const shaft = u > 0.5 && u < 0.86 && Math.abs(v - 0.5) < 0.045;
  const teeth = (u > 0.7 && u < 0.76 && v > 0.5 && v < 0.64) || (u > 0.8 && u < 0.86 && v > 0.5 && v < 0.6);
  return bow || shaft || teeth;
}

function png(size: number, inset: number): Uint8Array {
  const raw = new Uint8Array(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    raw[y * (1 + size * 3)] = 0; // filter type None
    for (let x = 0; x < size; x++) {
      const rgb = onKey((x + 0.5) / size, (y + 0.5) / size, inset) ? WHITE : BLUE;
      raw.set(rgb, y * (1 + size * 3) + 1 + x * 3);
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, size);
  v.setUint32(4, size);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filtering, no interlace
  const sig = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return concatBytes(sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array()));
}

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', png(192, 0.06));
writeFileSync('public/icons/icon-512.png', png(512, 0.06));
writeFileSync('public/icons/maskable-512.png', png(512, 0.16));
