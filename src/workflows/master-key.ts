/**
 * Options > Security: the tenant card master key (DESIGN.md "Admin secrets"). An administrator
 * generates it once, exports it as a passphrase-protected key file (master-key-file.ts), and imports that
 * file in every operator browser. The raw bytes exist only for the moment it takes to encrypt or import
 * them; what is kept is a non-extractable HKDF CryptoKey plus the protected file (so it can be exported
 * again).
 *
 * Fingerprint: hex of the first 8 bytes of SHA-256(HKDF(master key, info = FINGERPRINT_LABEL)), so two
 * browsers can be compared without anything that reveals the key itself.
 */
import { AppError } from '../app-error';
import { FINGERPRINT_LABEL, importCardMasterKey, masterKeyFingerprint } from '../cards/admin-secrets';
import { readMasterKey, writeMasterKey, MASTER_KEY_ID } from '../store/master-key';
import { badFile, openKeyFile, parseKeyFile, RAW_KEY_BYTES, sealKeyFile, serializeKeyFile } from './master-key-file';

export { FINGERPRINT_LABEL, masterKeyFingerprint };
export const PASSPHRASE_MIN = 12;
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
