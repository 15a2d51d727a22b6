/**
 * Key generation and private-key operations in a slot.
 *
 * GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2 §3.3.2; Yubico AA/AB policy tags):
 *   00 47 00 slot Lc AC L { 80 01 alg [AA 01 pin policy] [AB 01 touch policy] } Le 00
 *   ← 7F49 L { 81 n 82 e | 86 point }                       (public-key.ts)
 *
 * GENERAL AUTHENTICATE for a signature (Part 2 §3.2.4; Appendix A.2 "signature generation"):
 *   00 87 alg slot Lc 7C L { 82 00  81 L challenge } Le 00    82 empty = "respond with the result"
 *   ← 7C L { 82 L signature }
 * The challenge is the PKCS#1 v1.5 block for RSA (RFC 8017 §9.2), the hash fitted to the curve size
 * for ECDSA (SP 800-73-4 Part 2 §3.2.4 note; FIPS 186-4 §6.4), the message itself for Ed25519.
 */
import { concatBytes } from '../bytes';
import { encodeTlv, encodeTlvs } from '../apdu/tlv';
import { okData, pivApdu, type PivCommand } from './command';
import {
  ALGORITHM,
  PIN_POLICY,
  PIV_INS,
  TOUCH_POLICY,
  isKeySlot,
  type KeyAlgorithm,
  type PinPolicy,
  type TouchPolicy,
} from './constants';
import { pivError } from './errors';
import { authTemplate, readAuthTemplate } from './management-key';
import { parseGenerateResponse, type CardPublicKey } from './public-key';

/** Arguments of GENERATE. */
export interface GenerateArgs {
  readonly slot: number;
  readonly algorithm: KeyAlgorithm;
  readonly pinPolicy?: PinPolicy;
  readonly touchPolicy?: TouchPolicy;
}

function checkSlot(slot: number): void {
  if (!isKeySlot(slot)) throw pivError('INVALID_ARGUMENT', `slot ${slot.toString(16)} is not a key slot`, { slot });
}

/** GENERATE ASYMMETRIC KEY PAIR; resolves with the new public key. */
export function generateKey(algorithm: KeyAlgorithm): PivCommand<GenerateArgs, CardPublicKey> {
  return {
    operation: 'generate',
    getApdu: ({ slot, pinPolicy, touchPolicy }) => {
      checkSlot(slot);
      const elements = [
        { tag: 0x80, value: Uint8Array.of(ALGORITHM[algorithm]) },
        ...(pinPolicy && pinPolicy !== 'DEFAULT' ? [{ tag: 0xaa, value: Uint8Array.of(PIN_POLICY[pinPolicy]) }] : []),
        ...(touchPolicy && touchPolicy !== 'DEFAULT'
          ? [{ tag: 0xab, value: Uint8Array.of(TOUCH_POLICY[touchPolicy]) }]
          : []),
      ];
      return pivApdu(PIV_INS.GENERATE_ASYMMETRIC_KEY_PAIR, 0x00, slot, {
        data: encodeTlv(0xac, encodeTlvs(elements)),
        le: 0,
      });
    },
    parseResponse: (r) => parseGenerateResponse(algorithm, okData(r, 'generate')),
  };
}

/** Bytes of the RSA modulus for each RSA algorithm. */
export const RSA_MODULUS_BYTES: Readonly<Record<string, number>> = {
  RSA1024: 128,
  RSA2048: 256,
  RSA3072: 384,
  RSA4096: 512,
};
/** Field size in bytes for the ECDSA curves. */
export const EC_FIELD_BYTES: Readonly<Record<string, number>> = { ECCP256: 32, ECCP384: 48 };

/** EMSA-PKCS1-v1_5 (RFC 8017 §9.2 step 5): 00 01 FF…FF 00 ‖ DigestInfo, `length` bytes, at least 8 FF. */
export function pkcs1v15Pad(digestInfo: Uint8Array, length: number): Uint8Array {
  if (digestInfo.length > length - 11)
    throw pivError('INVALID_ARGUMENT', `a ${digestInfo.length}-byte DigestInfo does not fit a ${length}-byte modulus`);
  const out = new Uint8Array(length).fill(0xff);
  out[0] = 0x00;
  out[1] = 0x01;
  out[length - digestInfo.length - 1] = 0x00;
  out.set(digestInfo, length - digestInfo.length);
  return out;
}

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1) for the SHA-2 hashes. */
const DIGEST_INFO_PREFIX: Readonly<Record<string, readonly number[]>> = {
  'SHA-256': [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
  ],
  'SHA-384': [
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30,
  ],
  'SHA-512': [
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40,
  ],
};

/** The DER DigestInfo of a SHA-2 `digest` (for RSA signing). */
export function digestInfo(hash: 'SHA-256' | 'SHA-384' | 'SHA-512', digest: Uint8Array): Uint8Array {
  const prefix = DIGEST_INFO_PREFIX[hash]!;
  if (digest.length !== prefix[prefix.length - 1])
    throw pivError('INVALID_ARGUMENT', `a ${hash} digest is ${prefix[prefix.length - 1]} bytes`);
  return concatBytes(Uint8Array.from(prefix), digest);
}

/** The hash fitted to the curve: its leftmost bytes when longer, left-padded with zeros when shorter (FIPS 186-4 §6.4). */
export function fitHashToCurve(hash: Uint8Array, fieldBytes: number): Uint8Array {
  if (hash.length >= fieldBytes) return hash.slice(0, fieldBytes);
  return concatBytes(new Uint8Array(fieldBytes - hash.length), hash);
}

/** The challenge GENERAL AUTHENTICATE signs for `algorithm`: see the header (RSA, ECDSA, Ed25519). */
export function signingChallenge(algorithm: KeyAlgorithm, input: Uint8Array): Uint8Array {
  if (algorithm in RSA_MODULUS_BYTES) return pkcs1v15Pad(input, RSA_MODULUS_BYTES[algorithm]!);
  if (algorithm in EC_FIELD_BYTES) return fitHashToCurve(input, EC_FIELD_BYTES[algorithm]!);
  if (algorithm === 'ED25519') return input;
  throw pivError('INVALID_ARGUMENT', `${algorithm} keys do not sign`, { algorithm });
}

/** GENERAL AUTHENTICATE with a slot's private key over a prepared challenge; resolves with the card's result. */
export const signChallenge: PivCommand<{ slot: number; algorithm: KeyAlgorithm; challenge: Uint8Array }, Uint8Array> = {
  operation: 'sign',
  getApdu: ({ slot, algorithm, challenge }) => {
    checkSlot(slot);
    const data = authTemplate([
      { tag: 0x82, value: new Uint8Array(0) },
      { tag: 0x81, value: challenge },
    ]);
    return pivApdu(PIV_INS.GENERAL_AUTHENTICATE, ALGORITHM[algorithm], slot, { data, le: 0 });
  },
  parseResponse: (r) => readAuthTemplate(okData(r, 'sign'), 0x82),
};

/** Converts a DER ECDSA-Sig-Value (RFC 3279 §2.2.3) to WebCrypto's r ‖ s of `fieldBytes` each. */
export function ecdsaDerToRaw(der: Uint8Array, fieldBytes: number): Uint8Array {
  const fail = () => pivError('RESPONSE_INVALID', 'the ECDSA signature is not a DER SEQUENCE of two INTEGERs');
  if (der[0] !== 0x30) throw fail();
  let at = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2;
  const ints: Uint8Array[] = [];
  for (let i = 0; i < 2; i++) {
    if (der[at] !== 0x02) throw fail();
    const len = der[at + 1]!;
    let v = der.slice(at + 2, at + 2 + len);
    at += 2 + len;
    while (v.length > fieldBytes && v[0] === 0) v = v.slice(1);
    if (v.length > fieldBytes) throw fail();
    ints.push(concatBytes(new Uint8Array(fieldBytes - v.length), v));
  }
  return concatBytes(ints[0]!, ints[1]!);
}
