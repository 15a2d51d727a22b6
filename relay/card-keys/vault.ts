/**
 * The tenant's card master key in the relay (DESIGN.md "Card keys"): one row of `card_master_key`,
 * AES-256-GCM-wrapped by the KEK (./kek.ts). The raw key is unwrapped only into a non-extractable HKDF
 * CryptoKey (src/cards/admin-secrets.ts `importCardMasterKey`), the same derivation the browser used,
 * so cards issued with a browser's key file keep working once an administrator imports that file.
 *
 * - First start (no row): a fresh random key is generated (`source = generated`).
 * - Import of today's browser key file (administrators, once): replaces a generated key that never
 *   released a secret; an imported key, or one already used, is never replaced (MASTER_KEY_EXISTS).
 * - KEK rotation: at start-up a key wrapped by `KEYWARD_KEK_PREVIOUS` is rewrapped under the current KEK.
 */
import type { Kysely } from 'kysely';
import { AppError, isAppError } from '../../src/app-error';
import { importCardMasterKey, masterKeyFingerprint } from '../../src/cards/admin-secrets';
import { openKeyFile, parseKeyFile, RAW_KEY_BYTES } from '../../src/workflows/master-key-file';
import type { Schema } from '../db/schema';
import { loadKek, unwrapSecret, wrapSecret, type Kek, type KekSetting } from './kek';

/** What an administrator sees of the relay's master key (never the key). */
export interface VaultStatus {
  fingerprint: string;
  source: 'generated' | 'imported';
  createdAt: string;
  /** A derived secret has been released under it: it can no longer be replaced by an import. */
  used: boolean;
}

/** The relay's card master key. */
export interface CardKeyVault {
  /** Start-up: rewraps a key under the previous KEK, generates one when there is none; its status. */
  ensure(): Promise<VaultStatus>;
  /** The master key, for deriving one card's secrets. Marks the key as used when `release` is set. */
  masterKey(options?: { release?: boolean }): Promise<CryptoKey>;
  /**
   * Imports a browser's protected key file (src/workflows/master-key-file.ts). `replaced` is false when
   * the relay already held this very key.
   */
  importKeyFile(text: string, passphrase: string): Promise<{ status: VaultStatus; replaced: boolean }>;
}

const ROW = 'current';

const statusOf = (row: {
  fingerprint: string;
  source: string;
  created_at: Date;
  first_release_at: Date | null;
}): VaultStatus => ({
  fingerprint: row.fingerprint,
  source: row.source === 'imported' ? 'imported' : 'generated',
  createdAt: row.created_at.toISOString(),
  used: row.first_release_at !== null,
});

/** The key file's own codes (workflows layer) as the relay's answers, 400. */
function asRelayRefusal(e: unknown): unknown {
  if (isAppError(e, 'workflows', 'BAD_KEY_FILE'))
    return new AppError('relay', 'BAD_KEY_FILE', e.message, { status: 400, retryable: false });
  if (isAppError(e, 'workflows', 'WRONG_PASSPHRASE'))
    return new AppError('relay', 'WRONG_PASSPHRASE', e.message, { status: 400, retryable: false });
  return e;
}

/**
 * The relay's vault, for a route that needs card keys.
 *
 * @throws AppError('relay', 'CARD_KEYS_UNAVAILABLE', …, { status: 503 }) when the relay has no KEK
 *   configured (`vault` undefined).
 */
export function requireVault(vault: CardKeyVault | undefined): CardKeyVault {
  if (vault) return vault;
  throw new AppError(
    'relay',
    'CARD_KEYS_UNAVAILABLE',
    'The relay holds no card keys: set KEYWARD_KEK (or KEYWARD_KEK_FILE) in its configuration.',
    { status: 503, retryable: false },
  );
}

/** Creates the vault over `db` (migrated) with the KEK `setting`; the KEK is loaded on first use. */
export function createCardKeyVault(db: Kysely<Schema>, setting: KekSetting): CardKeyVault {
  let keks: Promise<{ current: Kek; previous?: Kek }> | undefined;
  const kek = () => (keks ??= loadKek(setting));
  const unwrapped = new Map<string, Promise<CryptoKey>>();

  const readRow = () => db.selectFrom('card_master_key').selectAll().where('id', '=', ROW).executeTakeFirst();

  async function store(raw: Uint8Array, source: VaultStatus['source'], replace: boolean): Promise<void> {
    const { current } = await kek();
    const fingerprint = await masterKeyFingerprint(await importCardMasterKey(raw));
    const sealed = await wrapSecret(current, raw);
    const values = {
      id: ROW,
      ...sealed,
      fingerprint,
      kek_fingerprint: current.fingerprint,
      source,
      created_at: new Date(),
      first_release_at: null,
    };
    await db
      .insertInto('card_master_key')
      .values(values)
      // A replacement holds only while the stored key is still a generated one that released nothing.
      .onConflict((oc) =>
        replace
          ? oc
              .column('id')
              .doUpdateSet(values)
              .where('card_master_key.source', '=', 'generated')
              .where('card_master_key.first_release_at', 'is', null)
          : oc.column('id').doNothing(),
      )
      .execute();
  }

  /** Rewraps a key sealed under the previous KEK (rotation); refuses a key neither KEK opens. */
  async function current() {
    let row = await readRow();
    if (!row) {
      const raw = crypto.getRandomValues(new Uint8Array(RAW_KEY_BYTES));
      await store(raw, 'generated', false).finally(() => raw.fill(0));
      row = (await readRow())!;
    }
    const { current: now, previous } = await kek();
    if (row.kek_fingerprint !== now.fingerprint && previous && row.kek_fingerprint === previous.fingerprint) {
      const raw = await unwrapSecret(previous, row);
      const sealed = await wrapSecret(now, raw);
      raw.fill(0);
      await db
        .updateTable('card_master_key')
        .set({ ...sealed, kek_fingerprint: now.fingerprint })
        .where('id', '=', ROW)
        .where('kek_fingerprint', '=', previous.fingerprint)
        .execute();
      row = (await readRow())!;
    }
    return row;
  }

  return {
    async ensure() {
      const row = await current();
      await this.masterKey();
      return statusOf(row);
    },
    async masterKey(options = {}) {
      const row = await current();
      let key = unwrapped.get(row.wrapped);
      if (!key) {
        key = (async () => {
          const raw = await unwrapSecret((await kek()).current, row);
          try {
            return await importCardMasterKey(raw);
          } finally {
            raw.fill(0);
          }
        })();
        key.catch(() => unwrapped.delete(row.wrapped));
        unwrapped.set(row.wrapped, key);
      }
      const opened = await key;
      if (options.release && row.first_release_at === null)
        await db
          .updateTable('card_master_key')
          .set({ first_release_at: new Date() })
          .where('id', '=', ROW)
          .where('first_release_at', 'is', null)
          .execute();
      return opened;
    },
    async importKeyFile(text, passphrase) {
      let raw: Uint8Array;
      let fingerprint: string;
      try {
        const file = parseKeyFile(text);
        raw = await openKeyFile(file, passphrase);
        fingerprint = await masterKeyFingerprint(await importCardMasterKey(raw));
        if (fingerprint !== file.fingerprint)
          throw new AppError('relay', 'BAD_KEY_FILE', 'The key inside does not match the fingerprint on the file.', {
            status: 400,
          });
      } catch (e) {
        throw asRelayRefusal(e);
      }
      try {
        const row = await current();
        if (row.fingerprint === fingerprint) return { status: statusOf(row), replaced: false };
        if (row.source === 'generated' && row.first_release_at === null) await store(raw, 'imported', true);
        const now = (await readRow())!;
        if (now.fingerprint !== fingerprint)
          throw new AppError(
            'relay',
            'MASTER_KEY_EXISTS',
            `The relay already holds a card master key (fingerprint ${now.fingerprint}) that is imported or in use; it is never replaced, since cards issued under it would lose their keys.`,
            { status: 409, retryable: false },
          );
        return { status: statusOf(now), replaced: true };
      } finally {
        raw.fill(0);
      }
    },
  };
}
