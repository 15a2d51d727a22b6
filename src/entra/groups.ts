/**
 * Group members and directory roles through Microsoft Graph v1.0, for Batch TAP:
 * `GET /groups/{id}/transitiveMembers/microsoft.graph.user` (members of nested groups too, each once;
 * needs `GroupMember.Read.All`, and `User.Read.All` for the account fields) followed through
 * `@odata.nextLink`, and `GET /users/{id}/transitiveMemberOf/microsoft.graph.directoryRole`.
 */
import { AppError } from '../app-error';
import type { GraphTransport } from './graph-adapter';
import { USER_SELECT, type DirectoryUser } from './users';

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** Every user in the group and its nested groups, all pages read. */
export async function groupUsers(graph: GraphTransport, groupId: string): Promise<DirectoryUser[]> {
  let page = await graph.call<Page<DirectoryUser>>({
    method: 'GET',
    path: `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user`,
    query: { $select: USER_SELECT, $top: '999' },
  });
  const users = [...(page.value ?? [])];
  while (page['@odata.nextLink']) {
    page = await graph.next<Page<DirectoryUser>>(page['@odata.nextLink']);
    users.push(...(page.value ?? []));
  }
  return users;
}

/** The `$batch` item URL that lists a user's directory roles (its answer: `{ value: [{ roleTemplateId }] }`). */
export const directoryRolesUrl = (userId: string) =>
  `/users/${encodeURIComponent(userId)}/transitiveMemberOf/microsoft.graph.directoryRole`;

/** Role template ids from a directory-role list answer. */
export function roleTemplateIds(body: unknown): string[] {
  const value = (body as Page<{ roleTemplateId?: unknown }> | undefined)?.value ?? [];
  return value.map((r) => r.roleTemplateId).filter((id): id is string => typeof id === 'string');
}

/** A group as the Batch TAP picker shows it. */
export interface DirectoryGroup {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
}

/**
 * Groups whose display name starts with (a word of) `text`: `GET /groups?$search="displayName:text"`, an
 * advanced query (`ConsistencyLevel: eventual`), at most `pageSize`. Empty text is refused.
 */
export async function searchGroups(graph: GraphTransport, text: string, pageSize = 25): Promise<DirectoryGroup[]> {
  const term = text.replace(/"/g, '').trim();
  if (!term) throw new AppError('entra', 'GROUP_SEARCH_EMPTY', 'Type part of a group name.');
  const page = await graph.call<Page<DirectoryGroup>>({
    method: 'GET',
    path: '/groups',
    query: { $search: `"displayName:${term}"`, $select: 'id,displayName,description', $top: String(pageSize) },
    headers: { ConsistencyLevel: 'eventual' },
  });
  return page.value ?? [];
}
