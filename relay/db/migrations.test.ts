import { expect, it } from 'vitest';
import { isAppError } from '../../src/app-error';
import { describeStore } from '../../test/support/describe-store';
import { MIGRATIONS, migrate } from './migrations';

const LATEST = MIGRATIONS.at(-1)!.version;

describeStore('migrations', (target) => {
  it('records every numbered migration once, and a second run changes nothing', async () => {
    const { database } = await target.fresh();
    const rows = await database.db
      .selectFrom('schema_version')
      .select(['version', 'name'])
      .orderBy('version')
      .execute();
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(database.db)).toEqual({ from: LATEST, to: LATEST });
    const tables = await database.db.introspection.getTables();
    expect(tables.map((t) => t.name).sort()).toEqual([
      'audit',
      'card_events',
      'card_master_key',
      'cards',
      'mail_idempotency',
      'mail_rate',
      'schema_version',
      'self_service_challenges',
      'self_service_rate',
      'templates',
    ]);
  });

  it('applies only the pending migrations, inside one transaction', async () => {
    const { database } = await target.fresh();
    const broken = [
      ...MIGRATIONS,
      { version: LATEST + 1, name: 'good', statements: ['create table later_good (id integer)'] },
      { version: LATEST + 2, name: 'bad', statements: ['create table later_bad (id no_such_type)'] },
    ];
    await expect(migrate(database.db, broken)).rejects.toThrow(/no_such_type/);
    // The failed run left nothing behind: not the good step's table, not its version row.
    const names = (await database.db.introspection.getTables()).map((t) => t.name);
    expect(names).not.toContain('later_good');
    expect(await migrate(database.db, broken.slice(0, -1))).toEqual({ from: LATEST, to: LATEST + 1 });
  });

  it('refuses a database whose schema is newer than the relay', async () => {
    const { database } = await target.fresh();
    await database.db
      .insertInto('schema_version')
      .values({ version: LATEST + 5, name: 'from the future' })
      .execute();
    const error = await migrate(database.db).catch((e: unknown) => e);
    expect(isAppError(error, 'relay', 'SCHEMA_TOO_NEW')).toBe(true);
    expect(isAppError(error) && error.fields).toEqual({ databaseVersion: LATEST + 5, relayVersion: LATEST });
    expect(String((error as Error).message)).toMatch(
      new RegExp(`version ${LATEST + 5}, newer than this relay's ${LATEST}`),
    );
  });

  it('lets instances that start together migrate once between them', async () => {
    const fresh = await target.fresh();
    const [a, b] = [fresh.database, await fresh.another()];
    // A step that would fail if it ran twice.
    const next = [
      ...MIGRATIONS,
      { version: LATEST + 1, name: 'next', statements: ['create table next_step (id integer)'] },
    ];
    const results = await Promise.all([migrate(a.db, next), migrate(b.db, next)]);
    expect(results.map((r) => r.from).sort()).toEqual([LATEST, LATEST + 1]);
    const versions = await a.db.selectFrom('schema_version').select('version').execute();
    expect(versions).toHaveLength(MIGRATIONS.length + 1);
  });
});
