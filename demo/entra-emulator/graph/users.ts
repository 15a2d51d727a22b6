/**
 * `GET /me`, `GET /users/{id | userPrincipalName}` and `GET /users` (user-list.md; examples.md §5).
 *
 * Permissions: `/me` needs User.Read (or a broader user scope). The others need User.ReadBasic.All
 * (basic profile only: id, displayName, givenName, surname, mail, userPrincipalName) or User.Read.All
 * (everything, e.g. `otherMails`); a user may also read themselves with User.Read.
 */
import { Hono, type Context } from 'hono';
import type { TenantUser } from '../tenant';
import { hasScope, requireScope } from './auth';
import type { GraphDeps, GraphEnv } from './context';
import { graphError, missingScope, resourceNotFound } from './errors';
import {
  decodeSkipToken,
  DEFAULT_USER_PROPERTIES,
  encodeSkipToken,
  orderUsers,
  parseSearch,
  parseSelect,
  parseTop,
  projectUser,
  searchUsers,
} from './user-query';

const FULL_READ = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const DIRECTORY_READ = ['User.ReadBasic.All', ...FULL_READ];
const SELF_READ = ['User.Read', 'User.ReadWrite', ...DIRECTORY_READ];

function singleUser(c: Context<GraphEnv>, deps: GraphDeps, user: TenantUser, fullAccess: boolean) {
  const properties = parseSelect(c.req.query('$select')) ?? [...DEFAULT_USER_PROPERTIES];
  return c.json({
    '@odata.context': `${deps.graphBaseUrl}/v1.0/$metadata#users/$entity`,
    ...projectUser(user, properties, fullAccess),
  });
}

function requireEventual(c: Context<GraphEnv>): void {
  if (c.req.header('consistencylevel')?.toLowerCase() !== 'eventual') {
    throw graphError(
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  }
}

function listUsers(c: Context<GraphEnv>, deps: GraphDeps) {
  requireScope(c, DIRECTORY_READ, 'Authorization_RequestDenied');
  if (c.req.query('$filter') !== undefined) throw graphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.');
  const select = parseSelect(c.req.query('$select'));
  const top = parseTop(c.req.query('$top'));
  const offset = decodeSkipToken(c.req.query('$skiptoken'));
  const rawSearch = c.req.query('$search');
  if (rawSearch !== undefined) requireEventual(c);
  const found =
    rawSearch === undefined ? [...deps.tenant.users] : searchUsers(deps.tenant.users, parseSearch(rawSearch));
  const ordered = orderUsers(found, c.req.query('$orderby'));
  const page = ordered.slice(offset, offset + top);
  const fullAccess = hasScope(c, FULL_READ);
  const body: Record<string, unknown> = {
    '@odata.context': `${deps.graphBaseUrl}/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}`,
  };
  const eventual = c.req.header('consistencylevel')?.toLowerCase() === 'eventual';
  if (eventual && c.req.query('$count') === 'true') body['@odata.count'] = ordered.length;
  if (offset + top < ordered.length) body['@odata.nextLink'] = nextLink(c, deps, offset + top);
  body.value = page.map((u) => projectUser(u, select ?? [...DEFAULT_USER_PROPERTIES], fullAccess));
  return c.json(body);
}

function nextLink(c: Context<GraphEnv>, deps: GraphDeps, offset: number): string {
  const params = new URL(c.req.url).searchParams;
  params.set('$skiptoken', encodeSkipToken(offset));
  return `${deps.graphBaseUrl}/v1.0/users?${params.toString()}`;
}

/** App-only read: needs one of the application permissions that read users (`roles`); User.Read.All reads everything. */
function appOnlyUser(c: Context<GraphEnv>, deps: GraphDeps, key: string) {
  const roles = c.get('app')?.roles ?? new Set<string>();
  if (!DIRECTORY_READ.some((r) => roles.has(r))) throw missingScope('Authorization_RequestDenied', DIRECTORY_READ);
  const user = deps.tenant.findUser(key);
  if (!user) throw resourceNotFound(key);
  return singleUser(
    c,
    deps,
    user,
    FULL_READ.some((r) => roles.has(r)),
  );
}

/** Routes under `/v1.0`. */
export function userRoutes(deps: GraphDeps): Hono<GraphEnv> {
  const app = new Hono<GraphEnv>();
  app.get('/me', (c) => {
    requireScope(c, SELF_READ, 'Authorization_RequestDenied');
    return singleUser(c, deps, c.get('caller').user, true);
  });
  app.get('/users', (c) => listUsers(c, deps));
  app.get('/users/:key', (c) => {
    const key = c.req.param('key');
    if (c.get('app')) return appOnlyUser(c, deps, key);
    const self = c.get('caller').user;
    const isSelf = key.toLowerCase() === self.id || key.toLowerCase() === self.userPrincipalName.toLowerCase();
    requireScope(c, isSelf ? SELF_READ : DIRECTORY_READ, 'Authorization_RequestDenied');
    const user = deps.tenant.findUser(key);
    if (!user) throw resourceNotFound(key);
    return singleUser(c, deps, user, isSelf || hasScope(c, FULL_READ));
  });
  return app;
}
