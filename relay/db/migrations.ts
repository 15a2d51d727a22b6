/**
 * Numbered schema migrations, run at start-up by {@link migrate}: all pending ones in one transaction,
 * each recorded in `schema_version`. Never edit a migration that has shipped; add the next number.
 *
 * Several relay instances may start at once against one PostgreSQL, so the transaction first takes an
 * advisory lock; the others wait and then find nothing left to do. A database whose schema is newer
 * than this relay's is refused: an older relay writing to it could corrupt what the newer one expects.
 */
import { sql, type Kysely } from 'kysely';
import { AppError } from '../../src/app-error';
import type { Schema } from './schema';
import type { Migration } from './migrations/migration';
import { migration001 } from './migrations/001-mail-idempotency';
import { migration002 } from './migrations/002-audit-trail';
import { migration003 } from './migrations/003-card-registry';
import { migration004 } from './migrations/004-card-details';
import { migration005 } from './migrations/005-templates';
import { migration006 } from './migrations/006-audit-pending';
import { migration007 } from './migrations/007-management-key-algorithm';
import { migration008 } from './migrations/008-card-passes';
import { migration009 } from './migrations/009-tap-batches';
import { migration010 } from './migrations/010-card-keys-self-service';

export type { Migration } from './migrations/migration';

/**
 * The relay's migrations, in order: one file a migration in `./migrations/`, named by its number.
 * Adding a migration is adding its file and one entry at the end of this list.
 */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
];

// Any constant shared by all instances; pg_advisory_xact_lock takes a bigint.
const MIGRATION_LOCK = 0x6b657977; // "keyw"

/** What {@link migrate} did. */
export interface MigrationResult {
  from: number;
  to: number;
}

/**
 * Brings the schema up to the last of `migrations`.
 *
 * @throws AppError('relay', 'SCHEMA_TOO_NEW', …, { databaseVersion, relayVersion }) for a newer database.
 */
export async function migrate(
  db: Kysely<Schema>,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  const latest = migrations.at(-1)?.version ?? 0;
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
    await sql`create table if not exists schema_version (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now())`.execute(tx);
    const row = await tx
      .selectFrom('schema_version')
      .select((eb) => eb.fn.max('version').as('version'))
      .executeTakeFirst();
    const current = row?.version ?? 0;
    if (current > latest) {
      throw new AppError(
        'relay',
        'SCHEMA_TOO_NEW',
        `The database schema is at version ${current}, newer than this relay's ${latest}: run the newer relay, or point this one at another database.`,
        { databaseVersion: current, relayVersion: latest },
      );
    }
    for (const migration of migrations.filter((m) => m.version > current)) {
      for (const statement of migration.statements) await sql.raw(statement).execute(tx);
      await tx.insertInto('schema_version').values({ version: migration.version, name: migration.name }).execute();
    }
    return { from: current, to: Math.max(current, latest) };
  });
}
