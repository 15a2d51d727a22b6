/**
 * Two relay instances behind a load balancer, on one PostgreSQL (a private cluster): the idempotency
 * key and the per-operator rate limit live in the database, so a retry reaching the other instance
 * sends nothing twice, and the limit counts both instances' sends. Messages are counted at the SMTP
 * catcher on loopback.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../../test/support/private-postgres';
import { openDatabase, type RelayDatabase } from '../db/connect';
import { migrate } from '../db/migrations';
import {
  buildMailApp,
  post,
  relayToken,
  startMailWorld,
  tapRequest,
  USERS,
  type MailWorld,
} from '../../test/support/mail-world';

let world: MailWorld;
let cluster: PrivatePostgres;
const databases: RelayDatabase[] = [];

beforeAll(async () => {
  [world, cluster] = await Promise.all([startMailWorld(), startPrivatePostgres()]);
}, 60_000);
afterAll(async () => {
  await Promise.all(databases.map((d) => d.close()));
  await Promise.all([world?.close(), cluster?.stop()]);
});
beforeEach(() => world.catcher.clear());

/** One relay instance as relay/server.ts builds it, on its own pool to `databaseUrl`. */
async function instance(databaseUrl: string, ratePerMinute: number) {
  const database = openDatabase({ databaseUrl });
  databases.push(database);
  await migrate(database.db);
  const { app } = await buildMailApp(
    world,
    { DATABASE_URL: databaseUrl, MAIL_RATE_PER_MINUTE: String(ratePerMinute) },
    database,
  );
  return app;
}

/** Two instances on a fresh database. */
async function pair(ratePerMinute = 100) {
  const url = await cluster.createDatabase();
  return Promise.all([instance(url, ratePerMinute), instance(url, ratePerMinute)]);
}

describe('two relay instances on one PostgreSQL', () => {
  it('replays a retry that reaches the other instance instead of sending it again', async () => {
    const [a, b] = await pair();
    const token = await relayToken(world, USERS.aisha);
    const key = crypto.randomUUID();
    const first = await post(a, token, tapRequest(), { key });
    expect(first.status).toBe(200);
    const retry = await post(b, token, tapRequest(), { key });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    const mismatch = await post(b, token, tapRequest({ values: { CardSerial: 'another card' } }), { key });
    expect(mismatch.status).toBe(409);
    await world.catcher.waitForMessage(() => true, 3000);
    expect(world.catcher.messages()).toHaveLength(1);
  });

  it('sends once when the same key reaches both instances at the same moment', async () => {
    const [a, b] = await pair();
    const token = await relayToken(world, USERS.aisha);
    const key = crypto.randomUUID();
    const answers = await Promise.all([post(a, token, tapRequest(), { key }), post(b, token, tapRequest(), { key })]);
    const codes = await Promise.all(
      answers.map(async (r) =>
        r.status === 200 ? 'sent' : ((await r.json()) as { error: { code: string } }).error.code,
      ),
    );
    // The loser either saw the claim in flight or, if the winner had finished, got its outcome replayed.
    expect(codes).toContain('sent');
    expect(codes.filter((c) => c !== 'sent' && c !== 'IN_PROGRESS')).toEqual([]);
    await world.catcher.waitForMessage(() => true, 3000);
    await new Promise((r) => setTimeout(r, 200));
    expect(world.catcher.messages()).toHaveLength(1);
  });

  it("holds one operator's rate limit across both instances", async () => {
    const [a, b] = await pair(3);
    const [aisha, priya] = await Promise.all([relayToken(world, USERS.aisha), relayToken(world, USERS.priya)]);
    const statuses = [];
    for (const app of [a, b, a, b]) statuses.push((await post(app, aisha, tapRequest())).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await post(a, aisha, tapRequest());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    // Another operator has a bucket of their own.
    expect((await post(b, priya, tapRequest())).status).toBe(200);
    await world.catcher.waitForMessage(() => world.catcher.messages().length === 4, 3000);
    expect(world.catcher.messages()).toHaveLength(4);
  });
});
