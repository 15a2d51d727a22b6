/**
 * The card master key's protected key file (UTF-8 JSON, `keyward-card-master-key` version 1):
 *   kdf:    PBKDF2-HMAC-SHA256 (RFC 8018 §5.2), 600 000 iterations (OWASP 2023), 16-byte random salt
 *   cipher: AES-256-GCM (NIST SP 800-38D), 12-byte random IV, 128-bit tag appended to the ciphertext
 *   fingerprint: written on the file so an import can check the key inside (master-key.ts derives it).
 */
import { AppError } from '../app-error';

export const KEY_FILE_FORMAT = 'keyward-card-master-key';
export const KEY_FILE_VERSION = 1;
export const PBKDF2_ITERATIONS = 600_000;
/** The master key's length. */
export const RAW_KEY_BYTES = 32;
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

/** Encrypts the raw key under `passphrase` into a new key file's text. */
export async function sealKeyFile(raw: Uint8Array, passphrase: string, fingerprint: string): Promise<string> {
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

/** Decrypts the raw key; a wrong passphrase or an altered file is `WRONG_PASSPHRASE`. */
export async function openKeyFile(file: KeyFile, passphrase: string): Promise<Uint8Array> {
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
export function serializeKeyFile(f: KeyFile): string {
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

/** `BAD_KEY_FILE`, saying `why`. */
export function badFile(why: string, cause?: unknown): AppError {
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
