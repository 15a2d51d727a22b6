/**
 * Checks a card's answer to a relay nonce against the public key recorded at issuance (contract
 * `CardKey`: DER SubjectPublicKeyInfo, RFC 5280 §4.1.2.7).
 *
 * What the card signs: PIV GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4, data object 7C with the
 * challenge 81 and an empty response 82) with the key in 9A or 9E, and the algorithm/hash pairs of
 * SP 800-78-4 Table 6 (the page hashes, the card signs the digest):
 *   ECCP256: ECDSA over SHA-256(nonce), DER Ecdsa-Sig-Value (RFC 5480 §2.2)
 *   ECCP384: ECDSA over SHA-384(nonce), DER Ecdsa-Sig-Value
 *   RSA2048: RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) with the SHA-256 DigestInfo (RFC 8017 §9.2)
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { CardKey } from '../../src/relay-api/contract';

const EXPECTED: Record<CardKey['algorithm'], { type: string; curve?: string; hash: string }> = {
  ECCP256: { type: 'ec', curve: 'prime256v1', hash: 'sha256' },
  ECCP384: { type: 'ec', curve: 'secp384r1', hash: 'sha384' },
  RSA2048: { type: 'rsa', hash: 'sha256' },
};

function publicKeyOf(key: CardKey): KeyObject | undefined {
  try {
    const spki = createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' });
    const want = EXPECTED[key.algorithm];
    if (spki.asymmetricKeyType !== want.type) return undefined;
    if (want.curve && spki.asymmetricKeyDetails?.namedCurve !== want.curve) return undefined;
    return spki;
  } catch {
    return undefined;
  }
}

/** True when `signature` over `nonce` verifies under `key`; false for any mismatch or malformed input. */
export function cardSignatureVerifies(key: CardKey, nonce: Uint8Array, signature: Uint8Array): boolean {
  const publicKey = publicKeyOf(key);
  if (!publicKey) return false;
  const { hash, type } = EXPECTED[key.algorithm];
  try {
    return type === 'rsa'
      ? verify(hash, nonce, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature)
      : verify(hash, nonce, { key: publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
