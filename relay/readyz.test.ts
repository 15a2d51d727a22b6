/**
 * Readiness (`GET /readyz`) over the real database: ready while PostgreSQL answers, and the relay's one
 * JSON error shape with 503 and Retry-After once the private cluster is stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../test/support/private-postgres';
import { DATABASE_RETRY_AFTER_SECONDS, openDatabase, type RelayDatabase } from './db/connect';
import { migrate } from './db/migrations';
import { createFakeTenant } from '../test/support/fake-tenant';
import { buildTestApp } from '../test/support/relay-app';

let cluster: PrivatePostgres;
let database: RelayDatabase;
beforeAll(async () => {
  cluster = await startPrivatePostgres();
  database = openDatabase({ databaseUrl: await cluster.createDatabase() });
  await migrate(database.db);
}, 60_000);
afterAll(async () => {
  await database?.close();
  await cluster?.stop();
});

describe('GET /readyz on PostgreSQL', () => {
  it('is ready while the database answers, and 503 with Retry-After once it is down', async () => {
    const { app, logs } = buildTestApp({ fetch: (await createFakeTenant()).fetch, database });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'postgres' });

    await cluster.stop();
    const down = await app.request('/readyz');
    expect(down.status).toBe(503);
    expect(down.headers.get('Retry-After')).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
    const body = (await down.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retryable: true });
    expect(body.error.message).toMatch(/database cannot be reached/);
    expect(logs.at(-1)).toMatchObject({
      msg: 'request',
      path: '/readyz',
      status: 503,
      errorCode: 'DATABASE_UNAVAILABLE',
    });
    // The healthz liveness probe does not depend on the database.
    expect((await app.request('/healthz')).status).toBe(200);
  });
});
