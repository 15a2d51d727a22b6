/**
 * Group membership and directory roles, as Batch TAP reads them:
 * - `GET /groups/{id}`: the group (id, displayName, description);
 * - `GET /groups/{id}/transitiveMembers[/microsoft.graph.user]`: members of the group and of its nested
 *   groups, each once (group-list-transitivemembers.md), with `$select`, `$top` (1..999, default 100)
 *   and server-driven paging through `@odata.nextLink`; without the cast, nested groups are listed too
 *   (`@odata.type: #microsoft.graph.group`);
 * - `GET /users/{id}/transitiveMemberOf/microsoft.graph.directoryRole`: the user's directory roles;
 * - `GET /groups?$search="displayName:x"` (with `ConsistencyLevel: eventual`, as for users): the groups
 *   whose display name matches, for the Batch TAP group picker (id, displayName, description).
 *
 * Permissions (emulator's choice, after the pages' least-privileged lists): group reads need
 * GroupMember.Read.All, Group.Read.All or Directory.Read.All; user properties beyond the basic profile
 * also need User.Read.All. Directory roles need User.Read.All, Directory.Read.All or
 * RoleManagement.Read.Directory.
 */
import { Hono, type Context } from 'hono';
import type { TenantGroup } from '../tenant';
import {
  AUTHENTICATION_ADMINISTRATOR,
  AUTHENTICATION_POLICY_ADMINISTRATOR,
  GLOBAL_ADMINISTRATOR,
  GLOBAL_READER,
  PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
} from '../tenant';
import { hasScope, requireScope } from './auth';
import type { GraphDeps, GraphEnv } from './context';
import { graphError, resourceNotFound } from './errors';
import {
  decodeSkipToken,
  DEFAULT_USER_PROPERTIES,
  encodeSkipToken,
  matches,
  parseSearch,
  parseSelect,
  parseTop,
  projectUser,
} from './user-query';

const GROUP_READ = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'];
const FULL_USER_READ = ['User.Read.All', 'Directory.Read.All'];
const ROLE_READ = ['User.Read.All', 'Directory.Read.All', 'RoleManagement.Read.Directory'];

/** Display names of the role templates the tenant uses. */
const ROLE_NAMES: Readonly<Record<string, string>> = {
  [AUTHENTICATION_ADMINISTRATOR]: 'Authentication Administrator',
  [PRIVILEGED_AUTHENTICATION_ADMINISTRATOR]: 'Privileged Authentication Administrator',
  [GLOBAL_ADMINISTRATOR]: 'Global Administrator',
  [GLOBAL_READER]: 'Global Reader',
  [AUTHENTICATION_POLICY_ADMINISTRATOR]: 'Authentication Policy Administrator',
};

function groupOf(c: Context<GraphEnv>, deps: GraphDeps): TenantGroup {
  requireScope(c, GROUP_READ, 'Authorization_RequestDenied');
  const id = c.req.param('id') ?? '';
  const group = deps.tenant.findGroup(id);
  if (!group) throw resourceNotFound(id);
  return group;
}

/** The nested groups reached from `group`, each once. */
function nestedGroups(deps: GraphDeps, group: TenantGroup): TenantGroup[] {
  const out: TenantGroup[] = [];
  const walk = (g: TenantGroup) => {
    for (const id of g.memberGroupIds) {
      const nested = deps.tenant.findGroup(id);
      if (nested && !out.includes(nested) && nested !== group) {
        out.push(nested);
        walk(nested);
      }
    }
  };
  walk(group);
  return out;
}

function membersPage(c: Context<GraphEnv>, deps: GraphDeps, usersOnly: boolean) {
  const group = groupOf(c, deps);
  const select = parseSelect(c.req.query('$select'));
  const top = parseTop(c.req.query('$top'));
  const offset = decodeSkipToken(c.req.query('$skiptoken'));
  const full = hasScope(c, FULL_USER_READ);
  const users = deps.tenant.transitiveMembers(group).map((u) => ({
    '@odata.type': '#microsoft.graph.user',
    ...projectUser(u, select ?? [...DEFAULT_USER_PROPERTIES], full),
  }));
  const groups = usersOnly
    ? []
    : nestedGroups(deps, group).map((g) => ({
        '@odata.type': '#microsoft.graph.group',
        id: g.id,
        displayName: g.displayName,
      }));
  const all = [...users, ...groups];
  const body: Record<string, unknown> = {
    '@odata.context': `${deps.graphBaseUrl}/v1.0/$metadata#directoryObjects`,
  };
  if (offset + top < all.length) {
    const params = new URL(c.req.url).searchParams;
    params.set('$skiptoken', encodeSkipToken(offset + top));
    const cast = usersOnly ? '/microsoft.graph.user' : '';
    body['@odata.nextLink'] = `${deps.graphBaseUrl}/v1.0/groups/${group.id}/transitiveMembers${cast}?${params}`;
  }
  body.value = all.slice(offset, offset + top);
  return c.json(body);
}

/** `GET /groups`: every group, or those whose display name matches `$search` (an advanced query). */
function listGroups(c: Context<GraphEnv>, deps: GraphDeps) {
  requireScope(c, GROUP_READ, 'Authorization_RequestDenied');
  const raw = c.req.query('$search');
  if (raw !== undefined && c.req.header('consistencylevel')?.toLowerCase() !== 'eventual')
    throw graphError(
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  const clauses = raw === undefined ? [] : parseSearch(raw).clauses.filter((x) => x.property === 'displayName');
  const found = deps.tenant.groups.filter(
    (g) => clauses.length === 0 || clauses.some((x) => matches(g.displayName, x.text)),
  );
  return c.json({
    '@odata.context': `${deps.graphBaseUrl}/v1.0/$metadata#groups`,
    value: found.map((g) => ({ id: g.id, displayName: g.displayName, description: g.description })),
  });
}

/** Routes under `/v1.0`. */
export function groupRoutes(deps: GraphDeps): Hono<GraphEnv> {
  const app = new Hono<GraphEnv>();
  app.get('/groups', (c) => listGroups(c, deps));
  app.get('/groups/:id', (c) => {
    const g = groupOf(c, deps);
    return c.json({
      '@odata.context': `${deps.graphBaseUrl}/v1.0/$metadata#groups/$entity`,
      id: g.id,
      displayName: g.displayName,
      description: g.description,
    });
  });
  app.get('/groups/:id/transitiveMembers', (c) => membersPage(c, deps, false));
  app.get('/groups/:id/transitiveMembers/microsoft.graph.user', (c) => membersPage(c, deps, true));
  app.get('/users/:key/transitiveMemberOf/microsoft.graph.directoryRole', (c) => {
    requireScope(c, ROLE_READ, 'Authorization_RequestDenied');
    const key = c.req.param('key');
    const user = deps.tenant.findUser(key);
    if (!user) throw resourceNotFound(key);
    return c.json({
      '@odata.context': `${deps.graphBaseUrl}/v1.0/$metadata#directoryRoles`,
      value: user.directoryRoles.map((roleTemplateId) => ({
        '@odata.type': '#microsoft.graph.directoryRole',
        // The emulator's activated role objects share their template's id.
        id: roleTemplateId,
        roleTemplateId,
        displayName: ROLE_NAMES[roleTemplateId] ?? 'Directory role',
      })),
    });
  });
  return app;
}
