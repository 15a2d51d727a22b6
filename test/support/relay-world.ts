/**
 * The relay as workflows and state classes meet it in unit tests: the real app (relay/app.ts) over a
 * migrated PGlite database in memory, reached through `app.request` instead of a socket, with tokens
 * for the fake tenant's people (relay-app.ts `PEOPLE`). Only the tenant is faked; the routes, the
 * validation, the registry and the audit chain are the real ones.
 *
 * One PGlite costs seconds to start, so a file shares one world (`startRelayWorld` in `beforeAll`) and
 * empties it between tests with `reset()`.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openDatabase, type RelayDatabase } from '../../relay/db/connect';
import { migrate } from '../../relay/db/migrations';
import { createCardKeyVault } from '../../relay/card-keys/vault';
import type { CardTemplateRecord, ExportTemplateRecord } from '../../src/store/db';
import type { RelayEndpoint } from '../../src/relay-api/request';
import { publishTemplate } from '../../src/relay-api/templates';
import { createFakeTenant, mintToken, operatorClaims, type FakeTenant } from './fake-tenant';
import { buildTestApp, PEOPLE, testRelayConfig, type Person } from './relay-app';

export { PEOPLE, type Person };

/** A relay with its database, and endpoints to reach it as any person. */
export interface RelayWorld {
  readonly database: RelayDatabase;
  readonly tenant: FakeTenant;
  /** The records the relay logged (its memory sink), searched by secrecy scans. */
  readonly logs: Record<string, unknown>[];
  /** The relay as `who` reaches it: the endpoint the browser's clients take. */
  endpoint(who: Person): RelayEndpoint;
  /** Publishes templates as an administrator (a card can only be issued under a published one). */
  publish(kind: 'card', record: CardTemplateRecord): Promise<number>;
  publish(kind: 'export', record: ExportTemplateRecord): Promise<number>;
  /** The card master key the relay holds now (tests derive what a card should hold from it). */
  cardMasterKey(): Promise<CryptoKey>;
  /** Empties every table (a fresh schema, migrated again); the relay then generates a new card master key. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a relay over a fresh in-memory PGlite. */
export async function startRelayWorld(): Promise<RelayWorld> {
  const database = openDatabase({ dataDir: ':memory:' });
  await migrate(database.db);
  const tenant = await createFakeTenant();
  const config = testRelayConfig();
  const vault = createCardKeyVault(database.db, config.kek!);
  const { app, logs } = buildTestApp({ fetch: tenant.fetch, database, config, vault });
  const versions = new Map<string, number>();
  const world: RelayWorld = {
    database,
    tenant,
    logs,
    endpoint: (who) => ({
      url: 'http://relay.test',
      token: () => mintToken(tenant.key, { ...operatorClaims(), ...who }),
      fetch: async (input, init) => app.request(input instanceof Request ? input : String(input), init),
    }),
    async publish(kind: 'card' | 'export', record: CardTemplateRecord | ExportTemplateRecord) {
      const key = `${kind}/${record.id}`;
      const admin = world.endpoint(PEOPLE.adam);
      const published = await publishTemplate(admin, kind, record.id, versions.get(key) ?? 0, { ...record });
      versions.set(key, published.version);
      return published.version;
    },
    cardMasterKey: () => vault.masterKey(),
    async reset() {
      versions.clear();
      await sql`drop schema public cascade`.execute(database.db);
      await sql`create schema public`.execute(database.db);
      await migrate(database.db);
    },
    close: () => database.close(),
  };
  return world;
}

/**
 * Registers the hooks of a test file that works against one relay world: started before the file's
 * tests, emptied before each (then `eachTest` runs, e.g. to clear this browser's IndexedDB copy), closed
 * after. Returns the world, once started.
 */
export function useRelayWorld(eachTest?: (world: RelayWorld) => Promise<void> | void): () => RelayWorld {
  let world: RelayWorld | undefined;
  beforeAll(async () => {
    world = await startRelayWorld();
  }, 60_000);
  afterAll(() => world?.close());
  beforeEach(async () => {
    await world!.reset();
    await eachTest?.(world!);
  });
  return () => world!;
}
