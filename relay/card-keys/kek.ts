/**
 * The key-encryption key (KEK) that wraps the card master key in the relay's database
 * (DESIGN.md "Card keys"): 32 bytes, from `KEYWARD_KEK` (base64) or the file `KEYWARD_KEK_FILE` (its
 * base64 text). The embedded default (`DEMO=1` with neither set) generates one in `.demo/card-kek` on
 * first start, readable by its owner only. `KEYWARD_KEK_PREVIOUS` names the KEK being rotated away from:
 * at start-up a master key still wrapped by it is rewrapped under the current one (./vault.ts).
 *
 * Wrapping is AES-256-GCM (NIST SP 800-38D) with a fresh 96-bit IV and the label below as additional
 * data, so a wrapped value cannot be passed off as anything else the relay might wrap later.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../src/app-error';

/** Where the embedded default keeps its generated KEK. */
export const DEMO_KEK_FILE = '.demo/card-kek';
const KEK_BYTES = 32;

/** Base64 (RFC 4648 §4) to bytes and back; callers check the text's alphabet where it comes from outside. */
export const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(Buffer.from(text, 'base64'));
export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const WRAP_LABEL = new TextEncoder().encode('keyward/card-master-key-wrap/v1');

/** Where the KEK comes from, as the configuration says. */
export type KekSetting =
  | { readonly kind: 'value'; readonly bytes: Uint8Array; readonly previous?: Uint8Array }
  | { readonly kind: 'generated-file'; readonly path: string; readonly previous?: Uint8Array };

/** A loaded KEK: the AES-GCM key and a fingerprint that names it (never the key). */
export interface Kek {
  readonly key: CryptoKey;
  readonly fingerprint: string;
}

function decodeKek(text: string, name: string, problems: string[]): Uint8Array | undefined {
  let bytes: Uint8Array;
  try {
    bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? fromBase64(text) : new Uint8Array(0);
  } catch {
    bytes = new Uint8Array(0);
  }
  if (bytes.length === KEK_BYTES) return bytes;
  problems.push(`${name} must be ${KEK_BYTES} random bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  return undefined;
}

/**
 * Reads `KEYWARD_KEK`, `KEYWARD_KEK_FILE` and `KEYWARD_KEK_PREVIOUS`. Undefined outside demo mode when
 * neither is set: the relay then holds no card keys (the card-key and unblock routes answer 503).
 */
export function parseKekSetting(
  env: Record<string, string | undefined>,
  demo: boolean,
  problems: string[],
): KekSetting | undefined {
  const value = env.KEYWARD_KEK?.trim() || undefined;
  const file = env.KEYWARD_KEK_FILE?.trim() || undefined;
  const previousText = env.KEYWARD_KEK_PREVIOUS?.trim() || undefined;
  const previous = previousText === undefined ? undefined : decodeKek(previousText, 'KEYWARD_KEK_PREVIOUS', problems);
  const extra = previous ? { previous } : {};
  if (value !== undefined && file !== undefined) {
    problems.push('Set KEYWARD_KEK or KEYWARD_KEK_FILE, not both');
    return undefined;
  }
  if (value !== undefined) {
    const bytes = decodeKek(value, 'KEYWARD_KEK', problems);
    return bytes && { kind: 'value', bytes, ...extra };
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (e) {
      problems.push(`KEYWARD_KEK_FILE '${file}' cannot be read (${(e as { code?: string }).code ?? 'error'})`);
      return undefined;
    }
    const bytes = decodeKek(text, `KEYWARD_KEK_FILE '${file}'`, problems);
    return bytes && { kind: 'value', bytes, ...extra };
  }
  return demo ? { kind: 'generated-file', path: DEMO_KEK_FILE, ...extra } : undefined;
}

/** Hex of the first 8 bytes of SHA-256 over a label and the KEK: names it in the database, reveals nothing. */
function kekFingerprint(bytes: Uint8Array): string {
  return createHash('sha256').update('keyward/kek-fingerprint/v1').update(bytes).digest('hex').slice(0, 16);
}

/** A KEK from its 32 bytes. */
export async function importKek(bytes: Uint8Array): Promise<Kek> {
  const key = await crypto.subtle.importKey('raw', Uint8Array.from(bytes), 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { key, fingerprint: kekFingerprint(bytes) };
}

/** The demo's KEK file, created (owner-only) with fresh random bytes when it does not exist yet. */
async function generatedFileKek(path: string): Promise<Uint8Array> {
  try {
    return fromBase64((await readFile(path, 'utf8')).trim());
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(KEK_BYTES));
  await mkdir(dirname(path), { recursive: true });
  // 'wx': a second instance starting at once keeps the first one's file.
  await writeFile(path, `${toBase64(bytes)}\n`, { mode: 0o600, flag: 'wx' }).catch(async (e: { code?: string }) => {
    if (e.code !== 'EEXIST') throw e;
    bytes.set(fromBase64((await readFile(path, 'utf8')).trim()));
  });
  return bytes;
}

/** Loads the current KEK (and the previous one, when rotating). */
export async function loadKek(setting: KekSetting): Promise<{ current: Kek; previous?: Kek }> {
  const bytes = setting.kind === 'value' ? setting.bytes : await generatedFileKek(setting.path);
  const current = await importKek(bytes);
  return setting.previous ? { current, previous: await importKek(setting.previous) } : { current };
}

/** AES-256-GCM wrap of `secret` under `kek`. */
export async function wrapSecret(kek: Kek, secret: Uint8Array): Promise<{ wrapped: string; iv: string }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: WRAP_LABEL },
    kek.key,
    Uint8Array.from(secret),
  );
  return { wrapped: toBase64(new Uint8Array(sealed)), iv: toBase64(iv) };
}

/**
 * Unwraps what {@link wrapSecret} wrapped.
 *
 * @throws AppError('relay', 'KEK_WRONG', …, { status: 503 }) when the KEK does not open it.
 */
export async function unwrapSecret(kek: Kek, wrapped: { wrapped: string; iv: string }): Promise<Uint8Array> {
  try {
    const opened = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64(wrapped.iv), additionalData: WRAP_LABEL },
      kek.key,
      fromBase64(wrapped.wrapped),
    );
    return new Uint8Array(opened);
  } catch (cause) {
    throw new AppError(
      'relay',
      'KEK_WRONG',
      "The relay's key-encryption key does not open the stored card master key: set KEYWARD_KEK (or KEYWARD_KEK_FILE) to the key it was wrapped with, or name that key in KEYWARD_KEK_PREVIOUS to rotate.",
      { status: 503, retryable: false },
      { cause },
    );
  }
}
