/**
 * Asymmetric keys held in PIV slots: algorithm identifiers (SP 800-78-4 Table 6-2, Yubico extensions),
 * real key generation, the public-key template 7F49 (SP 800-73-4 Part 2 §3.3.2, Table 10), import
 * (Yubico IMPORT KEY), and the private operations GENERAL AUTHENTICATE needs (sign, decrypt, ECDH).
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { concatBytes } from '../../bytes';
import { tlv } from './ber';
import { type RandomSource } from './bytes';
import { generateRsaKey, rsaKeyFromParts, rsaPrivate, rsaPublicParts, type RsaKey } from './rsa-key';

/** Key algorithm identifiers: PIV (SP 800-78-4 Table 6-2) and Yubico's (RSA 3072/4096, Ed25519, X25519). */
export const KEY_ALGORITHM = {
  RSA1024: 0x06,
  RSA2048: 0x07,
  RSA3072: 0x05,
  RSA4096: 0x16,
  ECCP256: 0x11,
  ECCP384: 0x14,
  ED25519: 0xe0,
  X25519: 0xe1,
} as const;

const RSA_BITS: Readonly<Record<number, number>> = { 0x06: 1024, 0x07: 2048, 0x05: 3072, 0x16: 4096 };
const CURVES = { 0x11: p256, 0x14: p384 } as const;

/** Private key material, by family. */
export type KeyMaterial =
  | RsaKey
  | { readonly kind: 'ec'; readonly algorithm: 0x11 | 0x14; readonly secret: Uint8Array; readonly point: Uint8Array }
  | { readonly kind: 'ed25519' | 'x25519'; readonly secret: Uint8Array; readonly point: Uint8Array };

/** True for an RSA algorithm identifier. */
export const isRsa = (algorithm: number): boolean => RSA_BITS[algorithm] !== undefined;

/** Generates an EC key synchronously (the seed is reduced into the scalar field, FIPS 186-5 A.4.1). */
export function generateEcKey(algorithm: 0x11 | 0x14, random: RandomSource): KeyMaterial & { kind: 'ec' } {
  const curve = CURVES[algorithm];
  const secret = curve.utils.randomSecretKey(random(algorithm === 0x11 ? 48 : 72));
  return { kind: 'ec', algorithm, secret, point: curve.getPublicKey(secret, false) };
}

/** Generates a real key of `algorithm`; null when the algorithm is unknown. */
export async function generateKey(algorithm: number, random: RandomSource): Promise<KeyMaterial | null> {
  const bits = RSA_BITS[algorithm];
  if (bits) return generateRsaKey(bits);
  if (algorithm === 0x11 || algorithm === 0x14) return generateEcKey(algorithm, random);
  if (algorithm === KEY_ALGORITHM.ED25519) {
    const secret = random(32);
    return { kind: 'ed25519', secret, point: ed25519.getPublicKey(secret) };
  }
  if (algorithm === KEY_ALGORITHM.X25519) {
    const secret = random(32);
    return { kind: 'x25519', secret, point: x25519.getPublicKey(secret) };
  }
  return null;
}

/**
 * A key from Yubico IMPORT KEY data: RSA 01 p, 02 q, 03 dP, 04 dQ, 05 qInv; EC 06 private scalar;
 * Ed25519 07 and X25519 08 private keys. Null when the data does not make a valid key.
 */
export function importKey(algorithm: number, field: (tag: number) => Uint8Array | undefined): KeyMaterial | null {
  try {
    const bits = RSA_BITS[algorithm];
    if (bits) {
      const parts = [1, 2, 3, 4, 5].map(field);
      return parts.every((p) => p !== undefined) ? rsaKeyFromParts(bits, parts as Uint8Array[]) : null;
    }
    if (algorithm === 0x11 || algorithm === 0x14) {
      const secret = field(0x06);
      if (!secret || secret.length !== (algorithm === 0x11 ? 32 : 48)) return null;
      return { kind: 'ec', algorithm, secret, point: CURVES[algorithm].getPublicKey(secret, false) };
    }
    const secret = field(algorithm === KEY_ALGORITHM.ED25519 ? 0x07 : 0x08);
    if (!secret || secret.length !== 32) return null;
    if (algorithm === KEY_ALGORITHM.ED25519) return { kind: 'ed25519', secret, point: ed25519.getPublicKey(secret) };
    if (algorithm === KEY_ALGORITHM.X25519) return { kind: 'x25519', secret, point: x25519.getPublicKey(secret) };
    return null;
  } catch {
    return null;
  }
}

/** The public key's data objects (content of 7F49): 81 n, 82 e for RSA; 86 point otherwise. */
export function publicKeyObjects(key: KeyMaterial): Uint8Array {
  if (key.kind === 'rsa') {
    const { modulus, exponent } = rsaPublicParts(key);
    return concatBytes(tlv(0x81, modulus), tlv(0x82, exponent));
  }
  return tlv(0x86, key.point);
}

/**
 * The private operation for GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4): for RSA the raw operation
 * on a modulus-sized block (sign or decrypt); for ECDSA a DER signature over the given hash (truncated to
 * the curve order's length per FIPS 186-4 §6.4); for Ed25519 a signature over the message. Null when the
 * input does not fit the key.
 */
export function signOrDecrypt(key: KeyMaterial, input: Uint8Array): Uint8Array | null {
  switch (key.kind) {
    case 'rsa':
      return rsaPrivate(key, input);
    case 'ec': {
      if (input.length === 0 || input.length > 64) return null;
      return CURVES[key.algorithm].sign(input, key.secret, { prehash: false, format: 'der', lowS: false });
    }
    case 'ed25519':
      return ed25519.sign(input, key.secret);
    default:
      return null;
  }
}

/** Key agreement (SP 800-73-4 Part 2 §3.2.4, tag 85): the shared x-coordinate (EC) or X25519 secret. */
export function agreeKey(key: KeyMaterial, peerPoint: Uint8Array): Uint8Array | null {
  try {
    if (key.kind === 'ec') return CURVES[key.algorithm].getSharedSecret(key.secret, peerPoint).slice(1);
    if (key.kind === 'x25519') return x25519.getSharedSecret(key.secret, peerPoint);
    return null;
  } catch {
    return null;
  }
}
