/**
 * A minimal DER writer (ITU-T X.690 §8, §10) for the certificates the virtual card makes (the
 * attestation CA and per-slot attestation certificates), plus SubjectPublicKeyInfo for each key family
 * (RFC 5280 §4.1.2.7; RSA RFC 8017 Appendix A.1; EC RFC 5480; Ed25519/X25519 RFC 8410).
 */
import { concatBytes } from '../../bytes';
import { tlv } from './ber';
import { bigIntToBytes } from './bytes';
import type { KeyMaterial } from './slot-key';

/** A SEQUENCE of the given encoded elements. */
export const seq = (...items: Uint8Array[]): Uint8Array => tlv(0x30, concatBytes(...items));

/** A SET of the given encoded elements. */
export const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, concatBytes(...items));

/** An INTEGER from a non-negative BigInt (a leading 00 keeps it positive). */
export function integer(n: bigint): Uint8Array {
  const raw = bigIntToBytes(n);
  return tlv(0x02, raw[0]! & 0x80 ? concatBytes(Uint8Array.of(0), raw) : raw);
}

/** An OBJECT IDENTIFIER from dotted text (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      groups.unshift((v % 128) | (groups.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...groups);
  }
  return tlv(0x06, out);
}

/** BIT STRING with no unused bits. */
export const bitString = (bytes: Uint8Array): Uint8Array => tlv(0x03, concatBytes(Uint8Array.of(0), bytes));

/** OCTET STRING. */
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);

/** UTF8String. */
export const utf8 = (text: string): Uint8Array => tlv(0x0c, new TextEncoder().encode(text));

/** A time as UTCTime before 2050, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const year = date.getUTCFullYear();
  return year < 2050 ? tlv(0x17, new TextEncoder().encode(iso.slice(2))) : tlv(0x18, new TextEncoder().encode(iso));
}

/** A Name with a single commonName (2.5.4.3). */
export const commonName = (cn: string): Uint8Array => seq(set(seq(oid('2.5.4.3'), utf8(cn))));

/** An explicit context tag [n]. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 + n, inner);

const CURVE_OID: Record<number, string> = { 0x11: '1.2.840.10045.3.1.7', 0x14: '1.3.132.0.34' };

/** SubjectPublicKeyInfo for a slot key. */
export function subjectPublicKeyInfo(key: KeyMaterial): Uint8Array {
  switch (key.kind) {
    case 'rsa':
      return seq(seq(oid('1.2.840.113549.1.1.1'), tlv(0x05)), bitString(seq(integer(key.n), integer(key.e))));
    case 'ec':
      return seq(seq(oid('1.2.840.10045.2.1'), oid(CURVE_OID[key.algorithm]!)), bitString(key.point));
    case 'ed25519':
      return seq(seq(oid('1.3.101.112')), bitString(key.point));
    case 'x25519':
      return seq(seq(oid('1.3.101.110')), bitString(key.point));
  }
}
