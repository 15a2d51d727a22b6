/**
 * Directory users through Microsoft Graph v1.0: search (`$search` needs `ConsistencyLevel: eventual`)
 * and get. Requires delegated `User.Read.All` (`otherMails` is not in the basic profile).
 */
import { AppError } from '../app-error';
import type { GraphTransport } from './graph-adapter';

/** The user fields Keyward reads. */
export interface DirectoryUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly surname: string | null;
  readonly userPrincipalName: string;
  readonly mail: string | null;
  readonly otherMails: readonly string[];
  readonly userType: 'Member' | 'Guest' | string | null;
  readonly accountEnabled: boolean | null;
}

/** One page of search results; `nextLink` fetches the next. */
export interface UserPage {
  readonly users: readonly DirectoryUser[];
  readonly nextLink: string | null;
}

/** `$search` on directory objects is an advanced query: it needs this header (Graph "advanced queries"). */
const SEARCH_HEADERS = { ConsistencyLevel: 'eventual' } as const;

/** The user fields Keyward reads, as a `$select`. */
export const USER_SELECT = 'id,displayName,givenName,surname,userPrincipalName,mail,otherMails,userType,accountEnabled';

interface Collection {
  value?: DirectoryUser[];
  '@odata.nextLink'?: string;
}

/** `$search` terms cannot contain a double quote; backslash-escaping is not supported by Graph. */
function searchClause(text: string): string {
  const term = text.replace(/"/g, '').trim();
  return `"displayName:${term}" OR "mail:${term}" OR "userPrincipalName:${term}"`;
}

/** Searches users by display name, mail or UPN prefix. Empty text is refused (Graph would list everyone). */
export async function searchUsers(graph: GraphTransport, text: string, pageSize = 25): Promise<UserPage> {
  if (!text.replace(/"/g, '').trim())
    throw new AppError('entra', 'SEARCH_EMPTY', 'Type part of a name, email or user principal name.');
  const res = await graph.call<Collection>({
    method: 'GET',
    path: '/users',
    query: { $search: searchClause(text), $select: USER_SELECT, $top: String(pageSize), $orderby: 'displayName' },
    headers: SEARCH_HEADERS,
  });
  return { users: res.value ?? [], nextLink: res['@odata.nextLink'] ?? null };
}

/** The next page of a search; Graph wants the search header on every page. */
export async function nextUsers(graph: GraphTransport, nextLink: string): Promise<UserPage> {
  const res = await graph.next<Collection>(nextLink, SEARCH_HEADERS);
  return { users: res.value ?? [], nextLink: res['@odata.nextLink'] ?? null };
}

/** One user by object id or UPN. */
export function getUser(graph: GraphTransport, idOrUpn: string): Promise<DirectoryUser> {
  return graph.call<DirectoryUser>({
    method: 'GET',
    path: `/users/${encodeURIComponent(idOrUpn)}`,
    query: { $select: USER_SELECT },
  });
}
