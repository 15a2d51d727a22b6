/**
 * The world of a relay route suite (declared with describeStore, so on PGlite and on PostgreSQL): a
 * fresh database with two relay instances on it, as behind a load balancer, both trusting one fake
 * tenant, and `call` to reach either instance as one of the tenant's people with a real token.
 */
import type { StoreTarget } from '../test/support/describe-store';
import { createFakeTenant } from '../test/support/fake-tenant';
import { bearerFor, buildTestApp, type Person, type TestAppDeps } from '../test/support/relay-app';
import type { RelayDatabase } from './db/connect';

/** What a route answered: its status and its JSON body (null when the body is empty). */
export interface RouteAnswer<T> {
  status: number;
  json: T;
}

/** Two relay instances on one fresh database. */
export interface RouteWorld<T> {
  /**
   * Sends `method` to `base + path` as `who`, with `body` as JSON when given, to instance `app` (0 or 1),
   * and reads the JSON answer as `T`.
   */
  call(who: Person, method: string, path: string, body?: unknown, app?: number): Promise<RouteAnswer<T>>;
  database: RelayDatabase;
}

/**
 * Starts two relay instances on a fresh database of `target`, their routes reached below `base`, with
 * `deps` (e.g. another configuration) for both.
 */
export async function twoRelays<T>(
  target: StoreTarget,
  base: string,
  deps: Omit<TestAppDeps, 'fetch' | 'database'> = {},
): Promise<RouteWorld<T>> {
  const fresh = await target.fresh();
  const tenant = await createFakeTenant();
  const apps = [fresh.database, await fresh.another()].map(
    (database) => buildTestApp({ ...deps, fetch: tenant.fetch, database }).app,
  );
  return {
    database: fresh.database,
    async call(who, method, path, body, app = 0) {
      const headers: Record<string, string> = { ...(await bearerFor(tenant, who)) };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await apps[app]!.request(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
    },
  };
}
