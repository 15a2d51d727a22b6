/**
 * Bytes as Keyward handles them everywhere: hex in and out, concatenation, and comparison without an
 * early exit. It sits in src/ beside app-error.ts, under every layer (ccid, the lowest, needs it) and
 * imports nothing else, so the browser layers, the relay, the bridge, scripts and tests share one copy.
 * `Uint8Array` only, never Node's `Buffer`.
 */
import { AppError } from './app-error';

/** How `toHex` writes: upper-case, as ISO 7816 and the PIV specs print bytes, and unseparated. */
export interface HexStyle {
  /** Lower-case digits (fingerprints, some test vectors). */
  readonly lower?: boolean;
  /** Put between bytes, e.g. `' '` for `00 A4 04 00`. */
  readonly separator?: string;
}

const DIGITS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `bytes` as hex, two digits a byte. */
export function toHex(bytes: ArrayLike<number>, { lower = false, separator = '' }: HexStyle = {}): string {
  const text = Array.from(bytes, (b) => DIGITS[b & 0xff]!).join(separator);
  return lower ? text : text.toUpperCase();
}

/** Whether `text` is whole bytes of hex with no separators. */
export function isHex(text: string): boolean {
  return /^(?:[0-9A-Fa-f]{2})*$/.test(text);
}

/** The bytes of hex `text` (either case; whitespace between digits is ignored). */
export function fromHex(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.replace(/\s+/g, '');
  if (!isHex(clean)) throw new AppError('bytes', 'NOT_HEX', 'Not an even run of hex digits.', { length: clean.length });
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => parseInt(clean.slice(2 * i, 2 * i + 2), 16));
}

/** `parts` one after another in a new array. */
export function concatBytes(...parts: readonly ArrayLike<number>[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Whether `a` and `b` hold the same bytes, looking at every byte whatever the first difference, so the
 * time taken says nothing about where two secrets differ (only whether their lengths do).
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Standard base64 (RFC 4648 §4, with padding) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** base64url without padding (RFC 4648 §5) of `bytes`: PKCE verifiers and challenges, JWT segments. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of a base64url string (padding optional). */
export function fromBase64Url(s: string): Uint8Array {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  return fromBase64(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
}

/** The bytes of standard base64 text (RFC 4648 §4); `atob` throws a DOMException on text that is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
