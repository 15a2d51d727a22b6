/**
 * Per-card admin secrets (DESIGN.md "The card model" → Admin secrets): the card management key and the
 * PUK are never left at their defaults; they are derived per card from the tenant card master key with
 * HKDF-SHA256 (RFC 5869, WebCrypto `deriveBits`), so any operator browser holding the master key can
 * recompute them and none of them is ever stored.
 *
 *   HKDF(IKM = card master key, salt = none, info = label ‖ 00 ‖ card id ‖ 00 ‖ attempt)
 *   labels: "keyward/piv-management-key/v1", "keyward/piv-puk/v1"
 *
 * `attempt` only moves past a derivation that must be refused (a default value, a 3DES key whose parts
 * repeat); for all practical purposes it stays 0, and the result is deterministic either way.
 */
import { AppError } from '../app-error';
import { toHex } from '../bytes';
import { MANAGEMENT_KEY_SIZES, type ManagementKeyAlgorithm } from '../piv/constants';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';

/** The HKDF `info` labels, one per secret (versioned so a future scheme cannot collide). */
export const ADMIN_SECRET_LABELS = {
  MANAGEMENT_KEY: 'keyward/piv-management-key/v1',
  PUK: 'keyward/piv-puk/v1',
} as const;

/** The factory PUK, which a derived PUK must never equal. */
const DEFAULT_PUK = '12345678';

/** What identifies a card for derivation: the YubiKey serial, or for other cards the CHUID Keyward wrote. */
export type CardIdentity = { readonly serial: number } | { readonly chuidFascn: string; readonly chuidGuid: string };

/** The canonical text of a card identity (part of `info`). */
export function cardIdentityText(id: CardIdentity): string {
  if ('serial' in id) {
    if (!Number.isInteger(id.serial) || id.serial < 0)
      throw new AppError('cards', 'INVALID_ARGUMENT', 'a card serial is a non-negative integer');
    return `serial:${id.serial}`;
  }
  if (!/^[0-9A-F]{50}$/i.test(id.chuidFascn))
    throw new AppError('cards', 'INVALID_ARGUMENT', 'the CHUID FASC-N must be 25 bytes of hex');
  return `chuid:${id.chuidFascn.toUpperCase()}:${id.chuidGuid.toLowerCase()}`;
}

/**
 * Imports raw key bytes as a card master key: HKDF, non-extractable, usage `deriveBits` only. (The
 * administrator's passphrase-protected key file is unwrapped elsewhere; this is the last step.)
 */
export async function importCardMasterKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length < 32) throw new AppError('cards', 'INVALID_ARGUMENT', 'a card master key has at least 32 bytes');
  return crypto.subtle.importKey('raw', Uint8Array.from(raw), 'HKDF', false, ['deriveBits']);
}

/** HKDF-SHA256 bits for `label` and card, at `attempt`. */
export async function deriveCardSecretBits(
  masterKey: CryptoKey,
  label: string,
  id: CardIdentity,
  bytes: number,
  attempt = 0,
): Promise<Uint8Array> {
  const info = new TextEncoder().encode(`${label}\u0000${cardIdentityText(id)}\u0000${attempt}`);
  try {
    const bits = await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info },
      masterKey,
      bytes * 8,
    );
    return new Uint8Array(bits);
  } catch (e) {
    const name = e instanceof Error ? e.name : 'Error';
    throw new AppError(
      'cards',
      'MASTER_KEY_UNUSABLE',
      `the card master key cannot derive secrets (${name})`,
      { name },
      { cause: e },
    );
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** True for a key that must not be used: the factory key, or 3DES whose k1 = k2 or k2 = k3 (single DES in effect). */
function isRefusedKey(algorithm: ManagementKeyAlgorithm, key: Uint8Array): boolean {
  if (sameBytes(key, DEFAULT_MANAGEMENT_KEY)) return true;
  if (algorithm !== 'TDES') return false;
  return sameBytes(key.slice(0, 8), key.slice(8, 16)) || sameBytes(key.slice(8, 16), key.slice(16, 24));
}

/** The card's management key, sized for its management-key algorithm (3DES 24, AES 16/24/32 bytes). */
export async function deriveManagementKey(
  masterKey: CryptoKey,
  id: CardIdentity,
  algorithm: ManagementKeyAlgorithm,
): Promise<Uint8Array> {
  const { keyLength } = MANAGEMENT_KEY_SIZES[algorithm];
  for (let attempt = 0; ; attempt++) {
    const key = await deriveCardSecretBits(masterKey, ADMIN_SECRET_LABELS.MANAGEMENT_KEY, id, keyLength, attempt);
    if (!isRefusedKey(algorithm, key)) return key;
  }
}

/** Largest multiple of 10^8 that fits in 32 bits: values at or above it are rejected, so every PUK is equally likely. */
const PUK_LIMIT = Math.floor(2 ** 32 / 1e8) * 1e8;

/**
 * Maps random bytes to an 8-digit PUK without modulo bias: each 4-byte word below `PUK_LIMIT` is taken
 * mod 10^8; words above it, and the factory PUK, are skipped. `undefined` when no word qualifies.
 */
export function pukFromBytes(bytes: Uint8Array): string | undefined {
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const word = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
    if (word >= PUK_LIMIT) continue;
    const puk = String(word % 1e8).padStart(8, '0');
    if (puk !== DEFAULT_PUK) return puk;
  }
  return undefined;
}

/** The card's PUK: 8 decimal digits. */
export async function derivePuk(masterKey: CryptoKey, id: CardIdentity): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const puk = pukFromBytes(await deriveCardSecretBits(masterKey, ADMIN_SECRET_LABELS.PUK, id, 32, attempt));
    if (puk) return puk;
  }
}

/** Both admin secrets of a card. */
export async function deriveAdminSecrets(
  masterKey: CryptoKey,
  id: CardIdentity,
  algorithm: ManagementKeyAlgorithm,
): Promise<{ managementKey: Uint8Array; puk: string }> {
  return { managementKey: await deriveManagementKey(masterKey, id, algorithm), puk: await derivePuk(masterKey, id) };
}

/** The HKDF `info` label the master key's fingerprint is derived under (never used for a card secret). */
export const FINGERPRINT_LABEL = 'keyward/card-master-key-fingerprint/v1';

/**
 * The fingerprint of a master key: hex of the first 8 bytes of SHA-256 over HKDF bits under
 * `FINGERPRINT_LABEL`, so two holders of the key (browsers, the relay) can be compared without anything
 * that reveals it.
 */
export async function masterKeyFingerprint(key: CryptoKey): Promise<string> {
  const info = new TextEncoder().encode(FINGERPRINT_LABEL);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info },
    key,
    256,
  );
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bits));
  return toHex(digest.subarray(0, 8), { lower: true });
}
