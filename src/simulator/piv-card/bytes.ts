import { fromHex } from '../../bytes';

/**
 * The virtual PIV card's number and key-encoding helpers (browser-safe: `Uint8Array` only); hex,
 * concatenation and comparison are src/bytes.ts.
 */

/** Unsigned big-endian bytes → BigInt. */
export function bytesToBigInt(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

/** BigInt → unsigned big-endian bytes, left-padded to `length` when given. */
export function bigIntToBytes(n: bigint, length?: number): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const raw = fromHex(hex);
  if (length === undefined || raw.length >= length) return raw;
  const out = new Uint8Array(length);
  out.set(raw, length - raw.length);
  return out;
}

/** base64url (JWK fields) → bytes. */
export function base64UrlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Bytes → base64url without padding (for JWK fields in tests and tools). */
export function bytesToBase64Url(b: Uint8Array): string {
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** A source of random bytes; the default is WebCrypto. Tests may inject a deterministic one. */
export type RandomSource = (length: number) => Uint8Array;

/** WebCrypto's CSPRNG. */
export const webRandom: RandomSource = (length) => crypto.getRandomValues(new Uint8Array(length));
