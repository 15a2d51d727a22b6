/**
 * Single-block ciphers for the PIV card management key (SP 800-78-4 Table 5; Yubico PIV extensions):
 * 3DES (algorithm 03, 8-byte blocks) and AES-128/192/256 (08/0A/0C, 16-byte blocks), each used in ECB
 * on exactly one block for the witness/challenge exchange (SP 800-73-4 Part 2 Appendix A.1–A.2).
 *
 * WebCrypto has no ECB, so AES is done with AES-CBC and a zero IV: the first CBC block of one block is
 * the ECB block. Decryption appends a forged final block that decrypts to a full PKCS#7 pad block, so
 * WebCrypto's padding check passes and only the wanted block remains.
 */
import { EDE } from 'des.js';
import { concatBytes } from './bytes.js';

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

const ZERO_IV = new Uint8Array(16);

async function aesEncryptBlock(key: Uint8Array, block: Uint8Array, iv: Uint8Array = ZERO_IV): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, 'AES-CBC', false, ['encrypt']);
  const out = await crypto.subtle.encrypt({ name: 'AES-CBC', iv: iv as Uint8Array<ArrayBuffer> }, k, block as Uint8Array<ArrayBuffer>);
  return new Uint8Array(out, 0, 16);
}

async function aesDecryptBlock(key: Uint8Array, block: Uint8Array): Promise<Uint8Array> {
  // Forge C2 with D(C2) ⊕ C1 = 10…10 (a full pad block): C2 = E(10…10 ⊕ C1), computed as CBC with IV C1.
  const pad = new Uint8Array(16).fill(16);
  const forged = await aesEncryptBlock(key, pad, block);
  const k = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, 'AES-CBC', false, ['decrypt']);
  const out = await crypto.subtle.decrypt({ name: 'AES-CBC', iv: ZERO_IV }, k, concatBytes(block, forged) as Uint8Array<ArrayBuffer>);
  return new Uint8Array(out);
}

/** Encrypts one block with the management key. */
export async function encryptBlock(algorithm: number, key: Uint8Array, block: Uint8Array): Promise<Uint8Array> {
  return algorithm === MGMT_ALGORITHM.TDES ? tdes('encrypt', key, block) : aesEncryptBlock(key, block);
}

/** Decrypts one block with the management key. */
export async function decryptBlock(algorithm: number, key: Uint8Array, block: Uint8Array): Promise<Uint8Array> {
  return algorithm === MGMT_ALGORITHM.TDES ? tdes('decrypt', key, block) : aesDecryptBlock(key, block);
}
