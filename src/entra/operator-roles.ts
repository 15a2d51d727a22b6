/**
 * What the signed-in operator may do, read from their ID token's `wids` claim (directory role template
 * ids; Entra emits it when the SPA registration's `groupMembershipClaims` includes `DirectoryRole`).
 *
 * Graph enforces the TAP rules itself; this only lets the UI say up front why an action will be refused.
 */

/** Directory role template ids that matter for Temporary Access Passes (Entra built-in roles). */
export const DIRECTORY_ROLES = {
  AUTHENTICATION_ADMINISTRATOR: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  PRIVILEGED_AUTHENTICATION_ADMINISTRATOR: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  GLOBAL_ADMINISTRATOR: '62e90394-69f5-4237-9190-012177145e10',
} as const;

const ROLE_NAMES: Record<string, string> = {
  [DIRECTORY_ROLES.AUTHENTICATION_ADMINISTRATOR]: 'Authentication Administrator',
  [DIRECTORY_ROLES.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR]: 'Privileged Authentication Administrator',
  [DIRECTORY_ROLES.GLOBAL_ADMINISTRATOR]: 'Global Administrator',
};

/** The operator's TAP powers. */
export interface TapAuthority {
  /** Names of the directory roles found (only those Keyward knows). */
  readonly roleNames: readonly string[];
  /** May create passes for ordinary members. */
  readonly membersOnly: boolean;
  /** May also create passes for administrators. */
  readonly includingAdmins: boolean;
}

/** Reads the TAP-relevant directory roles from ID token claims. */
export function tapAuthorityFromClaims(claims: Readonly<Record<string, unknown>>): TapAuthority {
  const wids = Array.isArray(claims.wids) ? claims.wids.filter((w): w is string => typeof w === 'string') : [];
  const has = (id: string) => wids.includes(id);
  const includingAdmins =
    has(DIRECTORY_ROLES.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR) || has(DIRECTORY_ROLES.GLOBAL_ADMINISTRATOR);
  const membersOnly = includingAdmins || has(DIRECTORY_ROLES.AUTHENTICATION_ADMINISTRATOR);
  const roleNames = wids.map((w) => ROLE_NAMES[w]).filter((n): n is string => Boolean(n));
  return { roleNames, membersOnly, includingAdmins };
}

/** The Microsoft Graph resource id and the delegated scopes Keyward asks for. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_SCOPES = {
  USER_READ_ALL: `${GRAPH_RESOURCE}/User.Read.All`,
  TAP_READ_WRITE_ALL: `${GRAPH_RESOURCE}/UserAuthMethod-TAP.ReadWrite.All`,
  POLICY_READ_AUTH_METHOD: `${GRAPH_RESOURCE}/Policy.Read.AuthenticationMethod`,
} as const;
