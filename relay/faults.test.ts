/**
 * The database as a fault, on PostgreSQL (the embedded PGlite runs in the relay's own process and
 * cannot go away alone):
 * - unreachable: every store-backed route answers 503 DATABASE_UNAVAILABLE with Retry-After in the one
 *   error shape, and `/api/mail` sends nothing;
 * - gone in the middle of a write: the relay's connection is terminated while a card import (one
 *   transaction of many statements) or a card transition (one statement) is under way; the answer is
 *   503 and nothing of the write is left behind.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeTenant, type FakeTenant } from '../test/support/fake-tenant';
import { freePort } from '../test/support/free-port';
import { startPrivatePostgres, type PrivatePostgres } from '../test/support/private-postgres';
import { bearerFor, buildTestApp, PEOPLE, testRelayConfig, type ErrorJson } from '../test/support/relay-app';
import { DATABASE_RETRY_AFTER_SECONDS, openDatabase, type RelayDatabase } from './db/connect';
import { migrate } from './db/migrations';
import { createMailServices } from './mail/services';
import { publishTemplate } from './templates/store';
import { cardTemplate } from './templates/template-fixture';
import { issueToBen } from './cards/card-fixture';

const { olivia: OLIVIA, adam: ADAM, audrey: AUDREY } = PEOPLE;
const BEN = '4f1d2c3b-0000-4000-8000-00000000b0b0';

const issue = issueToBen(0, { serial: 7001 });
const imported = (cardId: string) => ({
  cardId,
  state: 'active',
  credentialType: 'yubikey',
  serial: null,
  holderOid: 'oid-dee',
  holderName: 'Dee',
  holderUpn: 'dee@contoso.example',
  templateId: 'tpl-old',
  issuedAt: null,
  lostAt: null,
});

let cluster: PrivatePostgres;
let tenant: FakeTenant;
beforeAll(async () => {
  cluster = await startPrivatePostgres();
  tenant = await createFakeTenant();
}, 60_000);
afterAll(() => cluster?.stop());

/** Calls the app as `who`; returns the status, the Retry-After header and the JSON body. */
async function call(app: ReturnType<typeof buildTestApp>['app'], who: typeof OLIVIA, method: string, path: string) {
  const body =
    method === 'GET'
      ? undefined
      : path.startsWith('/api/mail')
        ? { template: { id: 'tap-mail', version: 1 }, targetUserId: BEN, values: {} }
        : path === '/api/audit'
          ? { action: 'tap.create', target: { type: 'user', id: 'oid-ben' }, outcome: 'succeeded' }
          : path === '/api/cards/import'
            ? { cards: [imported('yk:1')] }
            : path.startsWith('/api/templates')
              ? { expectedVersion: 0, body: cardTemplate() }
              : issue;
  const res = await app.request(path, {
    method,
    headers: { ...(await bearerFor(tenant, who)), 'Content-Type': 'application/json', 'Idempotency-Key': 'k-1' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, retryAfter: res.headers.get('Retry-After'), json: (await res.json()) as ErrorJson };
}

describe('the database unreachable', () => {
  it('answers 503 with Retry-After on every store-backed route, and sends no mail', async () => {
    const down = openDatabase({ databaseUrl: `postgres://keyward@127.0.0.1:${await freePort()}/none` });
    let sends = 0;
    const config = testRelayConfig();
    const services = createMailServices(config, down.db);
    const mailer = { send: () => (sends++, Promise.reject(new Error('no SMTP in this test'))), close() {} };
    const { app } = buildTestApp({ fetch: tenant.fetch, config, database: down, mail: { ...services, mailer } });
    const routes = [
      [OLIVIA, 'GET', '/api/cards/yk:1'],
      [OLIVIA, 'GET', '/api/cards?holder=oid-ben'],
      [OLIVIA, 'POST', '/api/cards/yk:1/transitions'],
      [ADAM, 'POST', '/api/cards/import'],
      [OLIVIA, 'POST', '/api/audit'],
      [AUDREY, 'GET', '/api/audit'],
      [AUDREY, 'GET', '/api/audit?format=csv'],
      [AUDREY, 'GET', '/api/audit/verify'],
      [OLIVIA, 'GET', '/api/templates'],
      [ADAM, 'PUT', '/api/templates/card/tpl-standard'],
      [OLIVIA, 'POST', '/api/mail'],
    ] as const;
    for (const [who, method, path] of routes) {
      const res = await call(app, who, method, path);
      expect([method, path, res.status, res.retryAfter, res.json.error?.code]).toEqual([
        method,
        path,
        503,
        String(DATABASE_RETRY_AFTER_SECONDS),
        'DATABASE_UNAVAILABLE',
      ]);
      expect(res.json.error).toMatchObject({ retryable: true, message: expect.stringMatching(/nothing was changed/) });
    }
    expect(sends).toBe(0);
    await down.close();
  });
});

describe('the database gone in the middle of a write', () => {
  let database: RelayDatabase;
  let admin: RelayDatabase;
  beforeAll(async () => {
    const url = await cluster.createDatabase();
    database = openDatabase({ databaseUrl: url });
    admin = openDatabase({ databaseUrl: url, poolSize: 1 });
    await migrate(database.db);
    await publishTemplate(database.db, { kind: 'card', id: 'tpl-standard', expectedVersion: 0 }, cardTemplate(), ADAM);
  });
  afterAll(async () => {
    await database?.close();
    await admin?.close();
  });

  /**
   * Makes the next insert into `table` stall, and terminates the backend that stalls there, as a server
   * crash or a failover would end it: after its earlier statements ran, before it commits.
   */
  async function dieOnInsertInto<T>(table: 'card_events' | 'audit', during: () => Promise<T>): Promise<T> {
    await sql`create or replace function stall() returns trigger language plpgsql as $$
      begin perform pg_sleep(30); return new; end $$`.execute(admin.db);
    await sql`create trigger stall before insert on ${sql.table(table)} for each statement execute function stall()`.execute(
      admin.db,
    );
    try {
      const answer = during();
      let pid: number | undefined;
      for (let i = 0; i < 200 && pid === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity
          where wait_event = 'PgSleep' and datname = current_database()`.execute(admin.db);
        pid = rows[0]?.pid;
      }
      expect(pid, 'a backend stalled in the write').toBeDefined();
      await sql`select pg_terminate_backend(${pid})`.execute(admin.db);
      return await answer;
    } finally {
      await sql`drop trigger stall on ${sql.table(table)}`.execute(admin.db);
    }
  }

  it('leaves nothing of a card import or a transition, and answers 503 with Retry-After', async () => {
    const { app } = buildTestApp({ fetch: tenant.fetch, database });
    const count = async (query: ReturnType<typeof sql<{ n: string }>>) =>
      Number((await query.execute(admin.db)).rows[0]!.n);
    const before = {
      cards: await count(sql`select count(*) as n from cards`),
      events: await count(sql`select count(*) as n from card_events`),
      audit: await count(sql`select count(*) as n from audit`),
    };
    // The import writes the cards, then their events (stalled here), then their audit rows.
    const importing = await dieOnInsertInto('card_events', () => call(app, ADAM, 'POST', '/api/cards/import'));
    // The transition writes card, event and audit row in one statement (stalled at the audit row).
    const transition = await dieOnInsertInto('audit', () => call(app, OLIVIA, 'POST', '/api/cards/yk:2/transitions'));
    for (const res of [importing, transition]) {
      expect([res.status, res.retryAfter, res.json.error?.code]).toEqual([
        503,
        String(DATABASE_RETRY_AFTER_SECONDS),
        'DATABASE_UNAVAILABLE',
      ]);
    }
    expect({
      cards: await count(sql`select count(*) as n from cards`),
      events: await count(sql`select count(*) as n from card_events`),
      audit: await count(sql`select count(*) as n from audit`),
    }).toEqual(before);
    // The pool recovers: the same transition succeeds once the database is back. A client retries a 503
    // after its Retry-After; on a loaded machine the pool's first new connection can itself time out.
    await expect
      .poll(async () => (await call(app, OLIVIA, 'POST', '/api/cards/yk:2/transitions')).status, {
        timeout: 30_000,
        interval: DATABASE_RETRY_AFTER_SECONDS * 200,
      })
      .toBe(200);
  });
});
