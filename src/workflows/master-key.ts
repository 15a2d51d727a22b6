/**
 * Options > Security: the tenant card master key (DESIGN.md "Admin secrets"). An administrator
 * generates it once, exports it as a passphrase-protected key file, and imports that file in every
 * operator browser. The raw bytes exist only for the moment it takes to encrypt or import them; what is
 * kept is a non-extractable HKDF CryptoKey plus the protected file (so it can be exported again).
 *
 * Key file (UTF-8 JSON, `keyward-card-master-key` version 1):
 *   kdf:    PBKDF2-HMAC-SHA256 (RFC 8018 §5.2), 600 000 iterations (OWASP 2023), 16-byte random salt
 *   cipher: AES-256-GCM (NIST SP 800-38D), 12-byte random IV, 128-bit tag appended to the ciphertext
 *   fingerprint: hex of the first 8 bytes of SHA-256(HKDF(master key, info = FINGERPRINT_LABEL)), so two
 *   browsers can be compared without anything that reveals the key itself.
 */
import { toHex } from '../bytes';
import { AppError } from '../app-error';
import { importCardMasterKey } from '../cards/admin-secrets';
import { readMasterKey, writeMasterKey, MASTER_KEY_ID } from '../store/master-key';

export const KEY_FILE_FORMAT = 'keyward-card-master-key';
export const KEY_FILE_VERSION = 1;
export const PBKDF2_ITERATIONS = 600_000;
/** The HKDF `info` label the fingerprint is derived under (never used for a card secret). */
export const FINGERPRINT_LABEL = 'keyward/card-master-key-fingerprint/v1';
export const PASSPHRASE_MIN = 12;
const RAW_KEY_BYTES = 32;
/** Iterations accepted on import: lower is too weak to trust, higher would hang the tab. */
const ITERATIONS_ACCEPTED = { min: 100_000, max: 10_000_000 };

/** The protected key file. */
export interface KeyFile {
  readonly format: typeof KEY_FILE_FORMAT;
  readonly version: typeof KEY_FILE_VERSION;
  readonly kdf: {
    readonly name: 'PBKDF2';
    readonly hash: 'SHA-256';
    readonly iterations: number;
    readonly salt: string;
  };
  readonly cipher: { readonly name: 'AES-GCM'; readonly iv: string };
  readonly ciphertext: string;
  readonly fingerprint: string;
}

/** What the Security page shows about the key this browser holds. */
export interface MasterKeyStatus {
  readonly fingerprint: string;
  readonly createdAt: string;
}

/** Why a passphrase is refused, or null. `confirmation` (when given) must match. */
export function passphraseProblem(passphrase: string, confirmation?: string): string | null {
  if ([...passphrase].length < PASSPHRASE_MIN) return `The passphrase must have at least ${PASSPHRASE_MIN} characters.`;
  if (confirmation !== undefined && confirmation !== passphrase) return 'The two passphrases differ.';
  return null;
}

/** The master key for deriving card admin secrets, or null when this browser has none yet. */
export async function currentMasterKey(): Promise<CryptoKey | null> {
  return (await readMasterKey())?.key ?? null;
}

/** The fingerprint and date of this browser's master key, or null. */
export async function masterKeyStatus(): Promise<MasterKeyStatus | null> {
  const r = await readMasterKey();
  return r ? { fingerprint: r.fingerprint, createdAt: r.createdAt } : null;
}

/**
 * Generates a new master key (32 random bytes) protected by `passphrase`. Refuses with `MASTER_KEY_EXISTS`
 * unless `replace`: every card issued under the old key would lose its management key and PUK.
 */
export async function generateMasterKey(
  passphrase: string,
  options: { replace?: boolean } = {},
): Promise<MasterKeyStatus> {
  checkPassphrase(passphrase);
  await guardReplace(options.replace);
  const raw = crypto.getRandomValues(new Uint8Array(RAW_KEY_BYTES));
  try {
    const key = await importCardMasterKey(raw);
    const fingerprint = await masterKeyFingerprint(key);
    const keyFile = await sealKeyFile(raw, passphrase, fingerprint);
    return await store(key, keyFile, fingerprint);
  } finally {
    raw.fill(0);
  }
}

/**
 * Imports a key file with its passphrase. A wrong passphrase (`WRONG_PASSPHRASE`), a damaged file
 * (`BAD_KEY_FILE`) or an existing key without `replace` (`MASTER_KEY_EXISTS`) change nothing.
 */
export async function importMasterKeyFile(
  text: string,
  passphrase: string,
  options: { replace?: boolean } = {},
): Promise<MasterKeyStatus> {
  const file = parseKeyFile(text);
  await guardReplace(options.replace);
  const raw = await openKeyFile(file, passphrase);
  try {
    if (raw.length !== RAW_KEY_BYTES) throw badFile(`the key inside is ${raw.length} bytes, not ${RAW_KEY_BYTES}`);
    const key = await importCardMasterKey(raw);
    const fingerprint = await masterKeyFingerprint(key);
    if (fingerprint !== file.fingerprint)
      throw badFile('the key inside does not match the fingerprint written on the file');
    return await store(key, serializeKeyFile(file), fingerprint);
  } finally {
    raw.fill(0);
  }
}

/** The protected key file of this browser's master key, as it was generated or imported. */
export async function exportMasterKeyFile(): Promise<{ fileName: string; text: string }> {
  const r = await readMasterKey();
  if (!r)
    throw new AppError(
      'workflows',
      'MASTER_KEY_MISSING',
      'This browser has no card master key yet: generate or import one first.',
    );
  return { fileName: `keyward-card-master-key-${r.fingerprint.slice(0, 8)}.json`, text: r.keyFile };
}

/** The fingerprint of a master key: hex of the first 8 bytes of SHA-256 over HKDF bits under `FINGERPRINT_LABEL`. */
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

/** A fingerprint as admins compare it: `a1b2 c3d4 e5f6 0718`. */
export function formatFingerprint(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

async function store(key: CryptoKey, keyFile: string, fingerprint: string): Promise<MasterKeyStatus> {
  const createdAt = new Date().toISOString();
  await writeMasterKey({ id: MASTER_KEY_ID, key, keyFile, fingerprint, createdAt });
  return { fingerprint, createdAt };
}

function checkPassphrase(passphrase: string): void {
  const problem = passphraseProblem(passphrase);
  if (problem) throw new AppError('workflows', 'WEAK_PASSPHRASE', problem);
}

async function guardReplace(replace: boolean | undefined): Promise<void> {
  if (!replace && (await readMasterKey())) {
    throw new AppError(
      'workflows',
      'MASTER_KEY_EXISTS',
      'This browser already holds a card master key; replacing it must be confirmed.',
    );
  }
}

async function passphraseKey(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
  usage: KeyUsage,
): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: Uint8Array.from(salt), iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    [usage],
  );
}

async function sealKeyFile(raw: Uint8Array, passphrase: string, fingerprint: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const aes = await passphraseKey(passphrase, salt, PBKDF2_ITERATIONS, 'encrypt');
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, Uint8Array.from(raw)));
  return serializeKeyFile({
    format: KEY_FILE_FORMAT,
    version: KEY_FILE_VERSION,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_ITERATIONS, salt: toBase64(salt) },
    cipher: { name: 'AES-GCM', iv: toBase64(iv) },
    ciphertext: toBase64(ciphertext),
    fingerprint,
  });
}

async function openKeyFile(file: KeyFile, passphrase: string): Promise<Uint8Array> {
  const aes = await passphraseKey(passphrase, fromBase64(file.kdf.salt), file.kdf.iterations, 'decrypt');
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64(file.cipher.iv) },
        aes,
        fromBase64(file.ciphertext),
      ),
    );
  } catch (e) {
    // AES-GCM's tag fails (OperationError) for a wrong passphrase and for a tampered file alike.
    if ((e as { name?: unknown } | null)?.name !== 'OperationError') throw e;
    throw new AppError(
      'workflows',
      'WRONG_PASSPHRASE',
      'The passphrase does not open this key file (or the file was altered). Nothing was changed.',
      {},
      { cause: e },
    );
  }
}

/** The canonical text of a key file: fixed field order, two-space indent, final newline. */
function serializeKeyFile(f: KeyFile): string {
  const ordered: KeyFile = {
    format: f.format,
    version: f.version,
    kdf: { name: f.kdf.name, hash: f.kdf.hash, iterations: f.kdf.iterations, salt: f.kdf.salt },
    cipher: { name: f.cipher.name, iv: f.cipher.iv },
    ciphertext: f.ciphertext,
    fingerprint: f.fingerprint,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Parses and checks a key file's shape; throws `BAD_KEY_FILE` naming what is wrong. */
export function parseKeyFile(text: string): KeyFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badFile('it is not JSON', e);
  }
  const f = v as Partial<Record<keyof KeyFile, unknown>> & {
    kdf?: Record<string, unknown>;
    cipher?: Record<string, unknown>;
  };
  if (typeof v !== 'object' || v === null || f.format !== KEY_FILE_FORMAT)
    throw badFile(`it is not a ${KEY_FILE_FORMAT} file`);
  if (f.version !== KEY_FILE_VERSION)
    throw badFile(`version ${String(f.version)} is not supported (expected ${KEY_FILE_VERSION})`);
  const it = f.kdf?.iterations;
  if (
    f.kdf?.name !== 'PBKDF2' ||
    f.kdf.hash !== 'SHA-256' ||
    typeof it !== 'number' ||
    !Number.isInteger(it) ||
    it < ITERATIONS_ACCEPTED.min ||
    it > ITERATIONS_ACCEPTED.max
  ) {
    throw badFile(
      `kdf must be PBKDF2 with SHA-256 and ${ITERATIONS_ACCEPTED.min}..${ITERATIONS_ACCEPTED.max} iterations`,
    );
  }
  if (f.cipher?.name !== 'AES-GCM') throw badFile('cipher must be AES-GCM');
  if (!isBase64(f.kdf.salt, 16) || !isBase64(f.cipher.iv, 12) || !isBase64(f.ciphertext, RAW_KEY_BYTES + 16))
    throw badFile('salt, iv or ciphertext is damaged');
  if (typeof f.fingerprint !== 'string' || !/^[0-9a-f]{16}$/.test(f.fingerprint))
    throw badFile('fingerprint must be 16 lowercase hex digits');
  return f as KeyFile;
}

function badFile(why: string, cause?: unknown): AppError {
  return new AppError(
    'workflows',
    'BAD_KEY_FILE',
    `This is not a usable card master key file: ${why}. Nothing was changed.`,
    {},
    { cause },
  );
}

function isBase64(v: unknown, bytes: number): v is string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return false;
  try {
    return fromBase64(v).length === bytes;
  } catch {
    return false;
  }
}

function toBase64(b: Uint8Array): string {
  return btoa(String.fromCharCode(...b));
}

function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}
