/**
 * Runs one store test suite against both databases the relay supports: PGlite in memory and a private
 * PostgreSQL cluster (private-postgres.ts). Each `fresh()` is a migrated, empty database; every
 * handle opened for a test is closed after it.
 *
 * Starting PGlite costs seconds (it compiles PostgreSQL's WebAssembly and runs initdb), so a suite
 * shares one instance and `fresh()` empties it by recreating its `public` schema instead.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { openDatabase, type RelayDatabase } from '../../relay/db/connect';
import { migrate } from '../../relay/db/migrations';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres';

/** Which database a suite runs on. */
export type StoreKind = 'pglite' | 'postgres';

/** A fresh database and a way to reach it again, as a second relay instance would. */
export interface FreshStore {
  database: RelayDatabase;
  /**
   * Another handle on the same database: a second pool on PostgreSQL; on PGlite (one process, one
   * session) the same handle.
   */
  another(): Promise<RelayDatabase>;
}

/** What a suite is given. */
export interface StoreTarget {
  kind: StoreKind;
  fresh(): Promise<FreshStore>;
  /** The private cluster, on PostgreSQL (e.g. to stop it); undefined on PGlite. */
  cluster(): PrivatePostgres | undefined;
}

/** Declares `suite` once per database kind, named `${name} (pglite)` and `${name} (postgres)`. */
export function describeStore(name: string, suite: (target: StoreTarget) => void): void {
  describe.each<StoreKind>(['pglite', 'postgres'])(`${name} (%s)`, (kind) => {
    let cluster: PrivatePostgres | undefined;
    let pglite: RelayDatabase | undefined;
    const opened: RelayDatabase[] = [];
    beforeAll(async () => {
      if (kind === 'postgres') cluster = await startPrivatePostgres();
      else {
        pglite = openDatabase({ dataDir: ':memory:' });
        await pglite.ping();
      }
    }, 120_000);
    afterAll(() => (kind === 'postgres' ? cluster?.stop() : pglite?.close()));
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((d) => d.close()));
    });
    const open = (database: RelayDatabase) => {
      opened.push(database);
      return database;
    };
    suite({
      kind,
      cluster: () => cluster,
      async fresh() {
        if (kind === 'pglite') {
          const database = pglite!;
          await sql`drop schema public cascade`.execute(database.db);
          await sql`create schema public`.execute(database.db);
          await migrate(database.db);
          return { database, another: async () => database };
        }
        const databaseUrl = await cluster!.createDatabase();
        const database = open(openDatabase({ databaseUrl }));
        await migrate(database.db);
        return { database, another: async () => open(openDatabase({ databaseUrl })) };
      },
    });
  });
}
