/**
 * The OData subset of `GET /users` (user-list.md and aad-advanced-queries.md, examples.md §5–§6):
 * `$select`, `$search="prop:text" OR "prop:text"` (needs `ConsistencyLevel: eventual`), `$count`,
 * `$orderby`, `$top` and server-driven paging through `@odata.nextLink` with an opaque `$skiptoken`.
 * `$filter` is not emulated and answers 400 Request_UnsupportedQuery.
 */
import type { TenantUser } from '../tenant';
import { graphError } from './errors';

/** Properties returned when there is no `$select` (user-list.md, "By default, only a limited set…"). */
export const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'id',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
] as const;

/** Every property the emulator can return. */
const ALL_PROPERTIES = [...DEFAULT_USER_PROPERTIES, 'accountEnabled', 'userType', 'department', 'otherMails'] as const;

/** What User.ReadBasic.All may read ("basic profile"); the rest needs User.Read.All. */
const BASIC_PROPERTIES = new Set(['id', 'displayName', 'givenName', 'surname', 'mail', 'userPrincipalName']);

const SEARCHABLE = new Set(['displayName', 'mail', 'userPrincipalName', 'givenName', 'surname']);

/** Parses `$select` (case-insensitive names, as OData); undefined means the default set. */
export function parseSelect(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((name) => {
    const found = ALL_PROPERTIES.find((p) => p.toLowerCase() === name.trim().toLowerCase());
    if (!found)
      throw graphError(
        400,
        'Request_BadRequest',
        `Could not find a property named '${name.trim()}' on type 'microsoft.graph.user'.`,
      );
    return found;
  });
}

/** The JSON of `user` with `properties`; without full read access, non-basic properties are left out. */
export function projectUser(
  user: TenantUser,
  properties: readonly string[],
  fullAccess: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of properties) {
    if (!fullAccess && !BASIC_PROPERTIES.has(p)) continue;
    const value = (user as unknown as Record<string, unknown>)[p];
    out[p] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

interface SearchClause {
  readonly property: string;
  readonly text: string;
}

/** Parses `"p:x" OR "p:y"` (also AND); returns the clauses and the joining operator. */
export function parseSearch(raw: string): { clauses: SearchClause[]; op: 'OR' | 'AND' } {
  const parts = raw.trim().split(/\s+(OR|AND)\s+/);
  const ops = new Set(parts.filter((_, i) => i % 2 === 1));
  if (ops.size > 1) throw graphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.');
  const clauses = parts
    .filter((_, i) => i % 2 === 0)
    .map((term) => {
      const m = /^"([A-Za-z]+):([^"]*)"$/.exec(term);
      if (!m)
        throw graphError(
          400,
          'Request_UnsupportedQuery',
          `Syntax error: character '${term.charAt(0) || ' '}' is not valid at position 0 in '${term}'.`,
        );
      const [, property = '', text = ''] = m;
      if (!SEARCHABLE.has(property))
        throw graphError(
          400,
          'Request_UnsupportedQuery',
          `Unsupported or invalid query filter clause specified for property '${property}' of resource 'User'.`,
        );
      return { property, text };
    });
  return { clauses, op: ops.has('AND') ? 'AND' : 'OR' };
}

/** Directory search is tokenized: every word of the query must prefix a word of the value. */
export function matches(value: string | null, text: string): boolean {
  if (!value) return false;
  const hay = value.toLowerCase();
  const tokens = hay.split(/[\s.@_#-]+/).filter(Boolean);
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return hay.startsWith(text.toLowerCase()) || words.every((w) => tokens.some((t) => t.startsWith(w)));
}

/** Users matching a parsed `$search`. */
export function searchUsers(users: readonly TenantUser[], search: ReturnType<typeof parseSearch>): TenantUser[] {
  const test = (u: TenantUser, c: SearchClause) =>
    matches((u as unknown as Record<string, string | null>)[c.property] ?? null, c.text);
  return users.filter((u) =>
    search.op === 'OR' ? search.clauses.some((c) => test(u, c)) : search.clauses.every((c) => test(u, c)),
  );
}

/** Sorts by `$orderby` (`displayName` or `userPrincipalName`, optional `asc`/`desc`). */
export function orderUsers(users: TenantUser[], raw: string | undefined): TenantUser[] {
  if (!raw) return users;
  const m = /^(displayName|userPrincipalName)(?:\s+(asc|desc))?$/.exec(raw.trim());
  if (!m) throw graphError(400, 'Request_UnsupportedQuery', 'Unsupported sort property or sort direction.');
  const key = m[1] as 'displayName' | 'userPrincipalName';
  const sign = m[2] === 'desc' ? -1 : 1;
  return [...users].sort((a, b) => sign * a[key].localeCompare(b[key]));
}

/** Parses `$top` (Graph: 1..999 for users; default page size 100). */
export function parseTop(raw: string | undefined): number {
  if (raw === undefined) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 999) {
    throw graphError(
      400,
      'Request_BadRequest',
      `Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`,
    );
  }
  return n;
}

/** Encodes a page offset as an opaque skip token. */
export function encodeSkipToken(offset: number): string {
  return btoa(JSON.stringify({ o: offset }))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** Decodes a skip token (0 when absent). */
export function decodeSkipToken(raw: string | undefined): number {
  if (raw === undefined) return 0;
  try {
    const parsed = JSON.parse(atob(raw.replace(/-/g, '+').replace(/_/g, '/'))) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // falls through to the error below
  }
  throw graphError(
    400,
    'Request_BadRequest',
    "The specified page token value has expired or is invalid. The request can't be served.",
  );
}
