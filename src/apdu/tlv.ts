/**
 * BER-TLV data objects (ISO/IEC 7816-4:2020 §6.3; ITU-T X.690 §8.1).
 *
 * Tag field (X.690 §8.1.2): first byte b8 b7 class, b6 constructed, b5..b1 number; b5..b1 = 11111 means
 *   the number follows in further bytes, each with b8 = 1 except the last. Tags here are 1..4 bytes and
 *   are written as the big-endian number of their bytes, e.g. 0x5FC105 (a PIV data object tag).
 * Length field (X.690 §8.1.3): 00..7F short form; 81 xx, 82 xxxx, 83 xxxxxx, 84 xxxxxxxx long form.
 *   The indefinite form (80) is not used by ISO 7816-4 and is refused.
 * Between data objects, 00 or FF bytes may pad (§6.3); they are skipped only when asked.
 */
import { AppError } from '../app-error';

/** One BER-TLV data object. `value` holds the encoded children when `constructed`. */
export interface Tlv {
  readonly tag: number;
  readonly constructed: boolean;
  readonly value: Uint8Array;
}

/** Options for decoding. */
export interface TlvDecodeOptions {
  /** Skip 00/FF bytes before, between and after objects (ISO 7816-4 §6.3). Default false. */
  readonly allowPadding?: boolean;
}

/** Largest tag and length fields accepted (bytes). */
export const TLV_LIMITS = { TAG_BYTES: 4, LENGTH_BYTES: 4 } as const;

function invalid(message: string, offset: number): AppError {
  return new AppError('apdu', 'TLV_INVALID', `${message} at byte ${offset}`, { offset });
}

/** Reads a tag at `at`; returns it, whether it is constructed, and where the length starts. */
function readTag(b: Uint8Array, at: number): { tag: number; constructed: boolean; next: number } {
  const first = b[at]!;
  let tag = first;
  let pos = at + 1;
  if ((first & 0x1f) === 0x1f) {
    for (;;) {
      if (pos >= b.length) throw invalid('tag runs past the end', pos);
      if (pos - at >= TLV_LIMITS.TAG_BYTES) throw invalid(`tag longer than ${TLV_LIMITS.TAG_BYTES} bytes`, at);
      const c = b[pos++]!;
      tag = tag * 256 + c;
      if ((c & 0x80) === 0) break;
    }
  }
  return { tag, constructed: (first & 0x20) !== 0, next: pos };
}

/** Reads a length at `at`; returns it and where the value starts. */
function readLength(b: Uint8Array, at: number): { length: number; next: number } {
  if (at >= b.length) throw invalid('length missing', at);
  const first = b[at]!;
  if (first < 0x80) return { length: first, next: at + 1 };
  const count = first & 0x7f;
  if (count === 0) throw invalid('indefinite length (80) is not allowed', at);
  if (count > TLV_LIMITS.LENGTH_BYTES) throw invalid(`length field of ${count} bytes`, at);
  if (at + 1 + count > b.length) throw invalid('length runs past the end', at);
  let length = 0;
  for (let i = 1; i <= count; i++) length = length * 256 + b[at + i]!;
  return { length, next: at + 1 + count };
}

/** Decodes a sequence of BER-TLV objects (one level); `TLV_INVALID` on anything malformed. */
export function decodeTlv(bytes: Uint8Array, options: TlvDecodeOptions = {}): Tlv[] {
  const out: Tlv[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (options.allowPadding && (bytes[at] === 0x00 || bytes[at] === 0xff)) {
      at++;
      continue;
    }
    const { tag, constructed, next } = readTag(bytes, at);
    const { length, next: valueAt } = readLength(bytes, next);
    if (valueAt + length > bytes.length) {
      throw invalid(`value of ${length} bytes for tag ${tag.toString(16).toUpperCase()} runs past the end`, valueAt);
    }
    out.push({ tag, constructed, value: bytes.slice(valueAt, valueAt + length) });
    at = valueAt + length;
  }
  return out;
}

/** The tag's bytes, big-endian, as written (e.g. 0x5FC105 → 5F C1 05). */
function tagBytes(tag: number): number[] {
  if (!Number.isInteger(tag) || tag <= 0 || tag > 0xffffffff)
    throw new AppError('apdu', 'TLV_INVALID', `tag ${tag} is not 1..4 bytes`, { tag });
  const out: number[] = [];
  for (let t = tag; t > 0; t = Math.floor(t / 256)) out.unshift(t % 256);
  return out;
}

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return [0x80 | out.length, ...out];
}

/** Encodes one object: tag, minimal length, value. */
export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const head = [...tagBytes(tag), ...lengthBytes(value.length)];
  const out = new Uint8Array(head.length + value.length);
  out.set(head);
  out.set(value, head.length);
  return out;
}

/** Encodes a sequence of objects back to back. */
export function encodeTlvs(objects: readonly { tag: number; value: Uint8Array }[]): Uint8Array {
  const parts = objects.map((o) => encodeTlv(o.tag, o.value));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** True when the first tag byte marks a constructed object (b6, X.690 §8.1.2.5). */
export function isConstructedTag(tag: number): boolean {
  const bytes = tagBytes(tag);
  return (bytes[0]! & 0x20) !== 0;
}

/**
 * Finds the first object with `tag`: among `input`'s top-level objects, then (breadth-first) inside
 * constructed ones. `input` may be raw bytes or already decoded objects. `TLV_INVALID` if malformed.
 */
export function findTlv(
  input: Uint8Array | readonly Tlv[],
  tag: number,
  options: TlvDecodeOptions = {},
): Tlv | undefined {
  let level: readonly Tlv[] = input instanceof Uint8Array ? decodeTlv(input, options) : input;
  while (level.length > 0) {
    const hit = level.find((t) => t.tag === tag);
    if (hit) return hit;
    level = level.filter((t) => t.constructed).flatMap((t) => decodeTlv(t.value, options));
  }
  return undefined;
}
