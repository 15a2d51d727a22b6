/**
 * One-block ciphers for PIV management-key authentication (SP 800-73-4 Part 2 §3.2.4 and Appendix A.1;
 * SP 800-78-4 §3.1: 3DES with a 24-byte key, AES-128/192/256). Only single blocks are ever enciphered
 * (witness and challenge), so ECB on one block is all that is needed.
 *
 * - 3DES: `des.js` EDE, padding off.
 * - AES: `@noble/ciphers` ECB without padding. Not WebCrypto: Chromium refuses 192-bit AES keys
 *   ("192-bit AES keys are not supported"), and AES-192 is the YubiKey 5.7 management key.
 */
import des from 'des.js';
import { ecb } from '@noble/ciphers/aes.js';
import { AppError } from '../../app-error';
import { MANAGEMENT_KEY_SIZES, type ManagementKeyAlgorithm } from '../constants';

/** A cipher that enciphers and deciphers exactly one block. */
export interface BlockCipher {
  readonly blockSize: 8 | 16;
  encryptBlock(block: Uint8Array): Promise<Uint8Array>;
  decryptBlock(block: Uint8Array): Promise<Uint8Array>;
}

function checkBlock(block: Uint8Array, size: number): void {
  if (block.length !== size)
    throw new AppError('piv', 'INVALID_ARGUMENT', `a cipher block must be ${size} bytes, not ${block.length}`);
}

/** Triple-DES EDE (k1, k2, k3) on one 8-byte block. */
export function tdesCipher(key: Uint8Array): BlockCipher {
  if (key.length !== 24) throw new AppError('piv', 'INVALID_ARGUMENT', `a 3DES key is 24 bytes, not ${key.length}`);
  const k = Array.from(key);
  const run = (type: 'encrypt' | 'decrypt', block: Uint8Array): Uint8Array => {
    checkBlock(block, 8);
    const c = des.EDE.create({ type, key: k, padding: false });
    return Uint8Array.from([...c.update(Array.from(block)), ...c.final()]);
  };
  return { blockSize: 8, encryptBlock: async (b) => run('encrypt', b), decryptBlock: async (b) => run('decrypt', b) };
}

/** AES (128/192/256 by key length) on one 16-byte block. */
export async function aesCipher(key: Uint8Array): Promise<BlockCipher> {
  if (![16, 24, 32].includes(key.length))
    throw new AppError('piv', 'INVALID_ARGUMENT', `an AES key is 16, 24 or 32 bytes, not ${key.length}`);
  const aes = ecb(Uint8Array.from(key), { disablePadding: true });
  const run = (fn: (b: Uint8Array) => Uint8Array, block: Uint8Array): Uint8Array => {
    checkBlock(block, 16);
    return fn(Uint8Array.from(block));
  };
  return {
    blockSize: 16,
    encryptBlock: async (b) => run((x) => aes.encrypt(x), b),
    decryptBlock: async (b) => run((x) => aes.decrypt(x), b),
  };
}

/** The block cipher of a management key of `algorithm`; checks the key length against it. */
export async function managementKeyCipher(algorithm: ManagementKeyAlgorithm, key: Uint8Array): Promise<BlockCipher> {
  const { keyLength } = MANAGEMENT_KEY_SIZES[algorithm];
  if (key.length !== keyLength) {
    throw new AppError(
      'piv',
      'INVALID_ARGUMENT',
      `a ${algorithm} management key is ${keyLength} bytes, not ${key.length}`,
    );
  }
  return algorithm === 'TDES' ? tdesCipher(key) : aesCipher(key);
}

/** `n` random bytes from the platform CSPRNG. */
export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}
