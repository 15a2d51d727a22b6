/**
 * Every `/api` route of the built relay, walked from Hono's `app.routes`: with no token it answers 401,
 * for a person without one of its roles 403 (`ROLE_MISSING`), and for a person with one it gets past
 * the guard (DESIGN.md "Users and roles"). The table below names the roles of each route; a route
 * added without a row fails here, so its guard is decided on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type RelayDatabase } from './db/connect';
import { migrate } from './db/migrations';
import { createMailServices } from './mail/services';
import { bearerFor, buildTestApp, PEOPLE, testRelayConfig, type Person } from '../test/support/relay-app';
import { createFakeTenant, type FakeTenant } from '../test/support/fake-tenant';

type Role = 'operator' | 'administrator' | 'auditor';
/** `signed-in`: any valid token, whatever its roles (whoami tells the PWA which roles it lacks; a card holder needs none). */
type Guard = readonly Role[] | 'signed-in';

/** Who may use each route, by `METHOD path` as Hono lists it. */
const EXPECTED: Record<string, Guard> = {
  'GET /api/whoami': 'signed-in',
  'POST /api/audit': ['operator', 'administrator'],
  'GET /api/audit': ['auditor'],
  'GET /api/audit/verify': ['auditor'],
  'GET /api/cards': ['operator', 'administrator'],
  'POST /api/cards/import': ['administrator'],
  'GET /api/cards/:cardId': ['operator'],
  'POST /api/cards/:cardId/transitions': ['operator'],
  'GET /api/templates': ['operator', 'administrator', 'auditor'],
  'GET /api/templates/:kind/:id/:version': ['operator', 'administrator', 'auditor'],
  'PUT /api/templates/:kind/:id': ['administrator'],
  'POST /api/templates/:kind/:id/withdraw': ['administrator'],
  'POST /api/mail': ['operator'],
  'POST /api/mail/test': ['operator', 'administrator'],
  'GET /api/card-keys/master-key': ['administrator'],
  'POST /api/card-keys/master-key/import': ['administrator'],
  'POST /api/card-keys/:cardId/release': ['operator'],
  'POST /api/card-keys/:cardId/management-auth': ['operator'],
  // The card holder's own page: the token's oid is the holder; guests are refused by Graph's word.
  'GET /api/self-service/cards': 'signed-in',
  'POST /api/self-service/challenge': 'signed-in',
  'POST /api/self-service/activate': 'signed-in',
  'POST /api/self-service/request-tap': 'signed-in',
  'POST /api/self-service/unblock': 'signed-in',
  'POST /api/self-service/unblocked': 'signed-in',
};

/** One person holding exactly each role (relay-app.ts `PEOPLE`), and Nina, who holds none. */
const HOLDERS: Record<Role, Person> = { operator: PEOPLE.olivia, administrator: PEOPLE.adam, auditor: PEOPLE.audrey };
const ROLES = Object.keys(HOLDERS) as Role[];

/**
 * A concrete URL for a route pattern. The request is shaped to stop at validation when the guard lets
 * it through (an empty JSON body, a malformed Idempotency-Key), so no mail or Graph call is made.
 */
function requestFor(method: string, pattern: string): [string, RequestInit] {
  const sample: Record<string, string> = { cardId: 'serial-123', kind: 'card', id: 'tpl-1', version: '1' };
  const path = pattern.replace(/:(\w+)/g, (_, name: string) => sample[name] ?? 'x');
  const headers = { 'Idempotency-Key': '!', ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }) };
  return [`http://relay.test${path}`, { method, headers, ...(method === 'GET' ? {} : { body: '{}' }) }];
}

let database: RelayDatabase;
let tenant: FakeTenant;
let app: ReturnType<typeof buildTestApp>['app'];

beforeAll(async () => {
  database = openDatabase({ dataDir: ':memory:' });
  await migrate(database.db);
  tenant = await createFakeTenant();
  const config = testRelayConfig();
  // Nothing in the mail services connects until a request gets past validation, which none here does.
  ({ app } = buildTestApp({ fetch: tenant.fetch, database, mail: createMailServices(config, database.db) }));
});
afterAll(() => database.close());

/** The `METHOD path` of every /api route the app answers (middleware-only entries left out). */
function apiRoutes(): string[] {
  const seen = new Set<string>();
  for (const r of app.routes) if (r.path.startsWith('/api/') && r.method !== 'ALL') seen.add(`${r.method} ${r.path}`);
  return [...seen].sort();
}

async function call(route: string, who: Person | null): Promise<{ status: number; code?: string }> {
  const [method, pattern] = route.split(' ') as [string, string];
  const [url, init] = requestFor(method, pattern);
  const auth = who ? await bearerFor(tenant, who) : {};
  const res = await app.request(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...auth } });
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: res.status, ...(body.error?.code ? { code: body.error.code } : {}) };
}

describe('every /api route checks the caller and their role', () => {
  it('has a row in the table for each route the app answers, and no row for a route that is gone', () => {
    expect(apiRoutes()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('answers 401 to a request without a token, on every route', async () => {
    for (const route of apiRoutes())
      expect([route, await call(route, null)]).toEqual([
        route,
        expect.objectContaining({ status: 401, code: 'TOKEN_MISSING' }),
      ]);
  });

  it('answers 403 ROLE_MISSING to each role a route does not allow, and to a person with no role', async () => {
    for (const route of apiRoutes()) {
      const guard = EXPECTED[route];
      if (guard === undefined || guard === 'signed-in') continue;
      const refused = [...ROLES.filter((r) => !guard.includes(r)).map((r) => HOLDERS[r]), PEOPLE.nina];
      for (const who of refused)
        expect([route, who.name, await call(route, who)]).toEqual([
          route,
          who.name,
          { status: 403, code: 'ROLE_MISSING' },
        ]);
    }
  });

  it('lets each allowed role past the guard (the request then stops at validation or the store)', async () => {
    for (const route of apiRoutes()) {
      const guard = EXPECTED[route];
      const allowed =
        guard === 'signed-in' ? [...Object.values(HOLDERS), PEOPLE.nina] : (guard ?? []).map((r) => HOLDERS[r]);
      for (const who of allowed) {
        const { status } = await call(route, who);
        expect([route, who.name, status === 401 || status === 403]).toEqual([route, who.name, false]);
      }
    }
  });
});
