/**
 * Public keys as the card returns them, and their SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
 *
 * The card's encoding (SP 800-73-4 Part 2 §3.3.2, Table 10; Yubico for Ed25519/X25519), inside 7F49 after
 * GENERATE, or inside tag 04 of Yubico GET METADATA:
 *   RSA:   81 L modulus  82 L public exponent
 *   ECC:   86 L point (04 ‖ X ‖ Y, uncompressed, SEC 1 §2.3.3)
 *   25519: 86 20 raw 32-byte key (RFC 8410)
 *
 * SPKI DER (RFC 3279 §2.3.1, RFC 5480 §2, RFC 8410 §4):
 *   30 { 30 { 06 rsaEncryption, 05 00 }, 03 { 00, 30 { 02 n, 02 e } } }
 *   30 { 30 { 06 id-ecPublicKey, 06 curve }, 03 { 00, point } }
 *   30 { 30 { 06 id-Ed25519 | id-X25519 }, 03 { 00, key } }
 */
import { concatBytes } from '../bytes';
import { decodeTlv, encodeTlv } from '../apdu/tlv';
import type { KeyAlgorithm } from './constants';
import { pivError } from './errors';

/** A public key read from the card. */
export type CardPublicKey =
  | {
      readonly algorithm: 'RSA1024' | 'RSA2048' | 'RSA3072' | 'RSA4096';
      readonly modulus: Uint8Array;
      readonly exponent: Uint8Array;
    }
  | { readonly algorithm: 'ECCP256' | 'ECCP384' | 'ED25519' | 'X25519'; readonly point: Uint8Array };

const OID = {
  rsaEncryption: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
  ecPublicKey: [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
  prime256v1: [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
  secp384r1: [0x2b, 0x81, 0x04, 0x00, 0x22],
  ed25519: [0x2b, 0x65, 0x70],
  x25519: [0x2b, 0x65, 0x6e],
} as const;

const POINT_LENGTH: Record<'ECCP256' | 'ECCP384' | 'ED25519' | 'X25519', number> = {
  ECCP256: 65,
  ECCP384: 97,
  ED25519: 32,
  X25519: 32,
};

const seq = (...parts: Uint8Array[]) => encodeTlv(0x30, concatBytes(...parts));
const oid = (o: readonly number[]) => encodeTlv(0x06, Uint8Array.from(o));
const bitString = (b: Uint8Array) => encodeTlv(0x03, concatBytes(Uint8Array.of(0), b));

/** A DER INTEGER of an unsigned big-endian magnitude: leading zeros dropped, 00 added when b8 is set (X.690 §8.3). */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const m = magnitude.slice(start);
  return encodeTlv(
    0x02,
    m.length > 0 && m[0]! & 0x80 ? concatBytes(Uint8Array.of(0), m) : m.length ? m : Uint8Array.of(0),
  );
}

/** Parses the card's public-key elements (the contents of 7F49, or of metadata tag 04) for `algorithm`. */
export function parseCardPublicKey(algorithm: KeyAlgorithm, contents: Uint8Array): CardPublicKey {
  const tlvs = decodeTlv(contents);
  const get = (tag: number) => tlvs.find((t) => t.tag === tag)?.value;
  if (algorithm.startsWith('RSA')) {
    const modulus = get(0x81);
    const exponent = get(0x82);
    if (!modulus || !exponent)
      throw pivError('RESPONSE_INVALID', 'the RSA public key lacks its modulus (81) or exponent (82)');
    return { algorithm: algorithm as 'RSA2048', modulus, exponent };
  }
  const a = algorithm as keyof typeof POINT_LENGTH;
  const point = get(0x86);
  if (!point || point.length !== POINT_LENGTH[a])
    throw pivError('RESPONSE_INVALID', `the ${a} public key (86) must be ${POINT_LENGTH[a]} bytes`);
  if (a.startsWith('ECC') && point[0] !== 0x04)
    throw pivError('RESPONSE_INVALID', 'the EC point is not uncompressed (04)');
  return { algorithm: a, point };
}

/** Reads the 7F49 template of a GENERATE response. */
export function parseGenerateResponse(algorithm: KeyAlgorithm, data: Uint8Array): CardPublicKey {
  const tpl = decodeTlv(data).find((t) => t.tag === 0x7f49);
  if (!tpl) throw pivError('RESPONSE_INVALID', 'GENERATE answered without a 7F49 public key template');
  return parseCardPublicKey(algorithm, tpl.value);
}

/** The SubjectPublicKeyInfo DER of a card public key. */
export function toSpki(key: CardPublicKey): Uint8Array {
  if ('modulus' in key) {
    const rsaKey = seq(derUnsignedInteger(key.modulus), derUnsignedInteger(key.exponent));
    return seq(seq(oid(OID.rsaEncryption), Uint8Array.of(0x05, 0x00)), bitString(rsaKey));
  }
  if (key.algorithm === 'ED25519' || key.algorithm === 'X25519') {
    return seq(seq(oid(key.algorithm === 'ED25519' ? OID.ed25519 : OID.x25519)), bitString(key.point));
  }
  const curve = key.algorithm === 'ECCP256' ? OID.prime256v1 : OID.secp384r1;
  return seq(seq(oid(OID.ecPublicKey), oid(curve)), bitString(key.point));
}

/** The WebCrypto import parameters and usages for verifying with (or agreeing to) a card key. */
export function webCryptoParams(
  algorithm: KeyAlgorithm,
  hash = 'SHA-256',
): { params: RsaHashedImportParams | EcKeyImportParams | Algorithm; usages: KeyUsage[] } {
  if (algorithm.startsWith('RSA')) return { params: { name: 'RSASSA-PKCS1-v1_5', hash }, usages: ['verify'] };
  if (algorithm === 'ECCP256' || algorithm === 'ECCP384')
    return { params: { name: 'ECDSA', namedCurve: algorithm === 'ECCP256' ? 'P-256' : 'P-384' }, usages: ['verify'] };
  if (algorithm === 'ED25519') return { params: { name: 'Ed25519' }, usages: ['verify'] };
  return { params: { name: 'X25519' }, usages: [] };
}

/**
 * The card key as a WebCrypto public `CryptoKey` (RSA: RSASSA-PKCS1-v1_5 with `hash`; EC: ECDSA; Ed25519;
 * X25519 with no usages), or `undefined` where this browser's WebCrypto does not support the algorithm.
 */
export async function toCryptoKey(key: CardPublicKey, hash = 'SHA-256'): Promise<CryptoKey | undefined> {
  const { params, usages } = webCryptoParams(key.algorithm, hash);
  try {
    return await crypto.subtle.importKey('spki', Uint8Array.from(toSpki(key)), params, true, usages);
  } catch (e) {
    if (e instanceof Error && e.name === 'NotSupportedError') return undefined;
    throw e;
  }
}
