/**
 * The card's own BER-TLV reader/writer (ISO/IEC 7816-4 §6.3, X.690 §8.1). Written independently of the
 * host's src/apdu/tlv.ts on purpose: the virtual card must not share the host's parsing, or a bug in one
 * would hide in both (and src/transport may not import src/apdu).
 */

/** One decoded object: the tag as the big-endian number of its bytes (e.g. 0x5FC105). */
export interface CardTlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

/** Decodes back-to-back objects; returns null when anything is malformed (the card answers 6A80). */
export function parseTlvs(b: Uint8Array): CardTlv[] | null {
  const out: CardTlv[] = [];
  let at = 0;
  while (at < b.length) {
    let tag = b[at++]!;
    if ((tag & 0x1f) === 0x1f) {
      do {
        if (at >= b.length) return null;
        tag = tag * 256 + b[at]!;
      } while (b[at++]! & 0x80);
    }
    if (at >= b.length) return null;
    let len = b[at++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || at + n > b.length) return null;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[at++]!;
    }
    if (at + len > b.length) return null;
    out.push({ tag, value: b.subarray(at, at + len) });
    at += len;
  }
  return out;
}

/** The value of the first top-level object with `tag`, if any. */
export function tlvValue(objects: readonly CardTlv[], tag: number): Uint8Array | undefined {
  return objects.find((o) => o.tag === tag)?.value;
}

/** Encodes one object with a definite, minimal length. */
export function tlv(tag: number, value: Uint8Array | readonly number[] = []): Uint8Array<ArrayBuffer> {
  const v = value instanceof Uint8Array ? value : Uint8Array.from(value);
  const t: number[] = [];
  for (let x = tag; x > 0; x = Math.floor(x / 256)) t.unshift(x % 256);
  const l: number[] = [];
  if (v.length < 0x80) l.push(v.length);
  else {
    for (let x = v.length; x > 0; x = Math.floor(x / 256)) l.unshift(x % 256);
    l.unshift(0x80 | l.length);
  }
  const out = new Uint8Array(t.length + l.length + v.length);
  out.set(t);
  out.set(l, t.length);
  out.set(v, t.length + l.length);
  return out;
}
