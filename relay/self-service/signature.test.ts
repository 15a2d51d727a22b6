/**
 * Card signatures over a relay nonce for each algorithm a proof key may have, made by node:crypto keys
 * the way a PIV card answers GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4; SP 800-78-4 Table 6).
 */
import { constants, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CardKey } from '../../src/relay-api/contract';
import { cardSignatureVerifies } from './signature';

const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).toString('base64');

const KEYS = {
  ECCP256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  ECCP384: generateKeyPairSync('ec', { namedCurve: 'secp384r1' }),
  RSA2048: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

/** What the card returns: DER ECDSA over the digest, or an RSA PKCS#1 v1.5 block with the SHA-256 DigestInfo. */
function cardAnswer(algorithm: keyof typeof KEYS, nonce: Uint8Array): Buffer {
  const { privateKey } = KEYS[algorithm];
  if (algorithm === 'RSA2048') return sign('sha256', nonce, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
  return sign(algorithm === 'ECCP384' ? 'sha384' : 'sha256', nonce, { key: privateKey, dsaEncoding: 'der' });
}

describe('cardSignatureVerifies', () => {
  for (const algorithm of Object.keys(KEYS) as (keyof typeof KEYS)[]) {
    it(`accepts the recorded ${algorithm} key's signature and nothing else`, () => {
      const key: CardKey = { slot: '9a', algorithm, publicKey: spki(KEYS[algorithm].publicKey) };
      const nonce = randomBytes(32);
      const signature = cardAnswer(algorithm, nonce);
      expect(cardSignatureVerifies(key, nonce, signature)).toBe(true);
      expect(cardSignatureVerifies(key, randomBytes(32), signature)).toBe(false);
      expect(cardSignatureVerifies(key, nonce, signature.subarray(1))).toBe(false);
      // A key recorded under another algorithm than its own is never trusted.
      const other = algorithm === 'RSA2048' ? 'ECCP256' : 'RSA2048';
      expect(cardSignatureVerifies({ ...key, algorithm: other }, nonce, signature)).toBe(false);
    });
  }
});
