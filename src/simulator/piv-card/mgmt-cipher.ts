/**
 * Single-block ciphers for the PIV card management key (SP 800-78-4 Table 5; Yubico PIV extensions):
 * 3DES (algorithm 03, 8-byte blocks) and AES-128/192/256 (08/0A/0C, 16-byte blocks), each used in ECB
 * on exactly one block for the witness/challenge exchange (SP 800-73-4 Part 2 Appendix A.1–A.2).
 *
 * AES comes from `@noble/ciphers` (ECB, no padding), not WebCrypto: Chromium refuses 192-bit AES keys,
 * and the card runs in the browser in the demo.
 */
import { EDE } from 'des.js';
import { ecb } from '@noble/ciphers/aes.js';

/** Management-key algorithm identifiers (SP 800-78-4 Table 5). */
export const MGMT_ALGORITHM = { TDES: 0x03, AES128: 0x08, AES192: 0x0a, AES256: 0x0c } as const;

/** Key length (bytes) per management-key algorithm. */
export const MGMT_KEY_LENGTH: Readonly<Record<number, number>> = { 0x03: 24, 0x08: 16, 0x0a: 24, 0x0c: 32 };

/** Block length (bytes): 8 for 3DES, 16 for AES — also the witness and challenge length. */
export function blockLength(algorithm: number): number {
  return algorithm === MGMT_ALGORITHM.TDES ? 8 : 16;
}

function tdes(type: 'encrypt' | 'decrypt', key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = EDE.create({ type, key, padding: false });
  return Uint8Array.from([...c.update(block), ...c.final()]);
}

const aesEcb = (key: Uint8Array) => ecb(Uint8Array.from(key), { disablePadding: true });

/** Encrypts one block with the management key. */
export async function encryptBlock(algorithm: number, key: Uint8Array, block: Uint8Array): Promise<Uint8Array> {
  return algorithm === MGMT_ALGORITHM.TDES ? tdes('encrypt', key, block) : aesEcb(key).encrypt(Uint8Array.from(block));
}

/** Decrypts one block with the management key. */
export async function decryptBlock(algorithm: number, key: Uint8Array, block: Uint8Array): Promise<Uint8Array> {
  return algorithm === MGMT_ALGORITHM.TDES ? tdes('decrypt', key, block) : aesEcb(key).decrypt(Uint8Array.from(block));
}
