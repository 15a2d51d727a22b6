/**
 * Entra's v2 token shape, shared by the OIDC provider (tokens it issues) and `mintAccessToken` (tokens
 * tests mint), so the relay's validation code sees one shape from both.
 *
 * Entra access tokens carry `scp` as the scope names *without* the resource prefix
 * (`https://graph.microsoft.com/User.Read` → `User.Read`, `api://<relay>/Mail.Send` → `Mail.Send`),
 * `wids` (directory role template ids) when the app asks for DirectoryRole claims, and `roles` (app roles
 * assigned on the resource app) only when the user has some.
 */
import type { TenantUser } from './tenant';

/** The resource (audience) of Microsoft Graph, also its resource indicator. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** Graph delegated permissions the emulator knows (resource servers accept exactly these). */
export const GRAPH_SCOPE_NAMES = [
  'User.Read',
  'User.ReadBasic.All',
  'User.Read.All',
  'UserAuthMethod-TAP.Read.All',
  'UserAuthMethod-TAP.ReadWrite.All',
  'UserAuthenticationMethod.Read.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'Policy.Read.AuthenticationMethod',
  'GroupMember.Read.All',
] as const;

/**
 * The SPA registration's configured ("static") Graph permissions, admin-consented for the tenant. Entra
 * puts every consented permission of a resource into `scp`, not only the ones a request named.
 */
export const SPA_GRAPH_PERMISSIONS = [
  'User.Read',
  'User.Read.All',
  'UserAuthMethod-TAP.ReadWrite.All',
  'Policy.Read.AuthenticationMethod',
  'GroupMember.Read.All',
] as const;

/** The SPA registration's display name (the `client_name` the sign-in pages show). */
export const SPA_DISPLAY_NAME = 'Keyward';

/** Scopes the relay API exposes. */
export const RELAY_SCOPE_NAMES = ['Mail.Send'] as const;

/** The app and tenant identifiers every token names. */
export interface AppIds {
  readonly issuer: string;
  readonly tenantId: string;
  readonly spaClientId: string;
  readonly relayClientId: string;
}

/** Which resource an access token is for. */
export type Audience = 'graph' | 'relay';

/** Resource indicator, `aud` value and scope prefix of one resource. */
export interface ResourceInfo {
  readonly audience: Audience;
  readonly indicator: string;
  readonly aud: string;
  readonly scopePrefix: string;
  readonly scopeNames: readonly string[];
}

/** Describes the resource behind `audience`. */
export function resourceInfo(ids: AppIds, audience: Audience): ResourceInfo {
  if (audience === 'graph') {
    return {
      audience,
      indicator: GRAPH_RESOURCE,
      aud: GRAPH_RESOURCE,
      scopePrefix: `${GRAPH_RESOURCE}/`,
      scopeNames: GRAPH_SCOPE_NAMES,
    };
  }
  const indicator = `api://${ids.relayClientId}`;
  return { audience, indicator, aud: ids.relayClientId, scopePrefix: `${indicator}/`, scopeNames: RELAY_SCOPE_NAMES };
}

/** The resource a resource indicator names, or undefined when it is not one of ours. */
export function resourceByIndicator(ids: AppIds, indicator: string): ResourceInfo | undefined {
  return (['graph', 'relay'] as const).map((a) => resourceInfo(ids, a)).find((r) => r.indicator === indicator);
}

/**
 * Picks the resource a token request is for from its scope string, as Entra does (MSAL sends no
 * `resource` parameter): a relay-prefixed scope means the relay, anything else means Graph.
 */
export function audienceForScope(ids: AppIds, scope: string | undefined): Audience {
  const relayPrefix = resourceInfo(ids, 'relay').scopePrefix;
  return (scope ?? '').split(' ').some((s) => s.startsWith(relayPrefix)) ? 'relay' : 'graph';
}

/** Full scope strings (`<prefix><name>`) for `names` on `audience`. */
export function fullScopes(ids: AppIds, audience: Audience, names: readonly string[]): string[] {
  const { scopePrefix } = resourceInfo(ids, audience);
  return names.map((n) => `${scopePrefix}${n}`);
}

/** The `scp` value: the resource's scope names without prefix, space-separated. */
export function scpFromScopes(ids: AppIds, audience: Audience, scopes: Iterable<string>): string {
  const { scopePrefix } = resourceInfo(ids, audience);
  return [...scopes]
    .filter((s) => s.startsWith(scopePrefix))
    .map((s) => s.slice(scopePrefix.length))
    .join(' ');
}

/** The user-describing claims both access-token audiences carry. */
export function accessTokenUserClaims(ids: AppIds, user: TenantUser, audience: Audience): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    ver: '2.0',
    tid: ids.tenantId,
    oid: user.id,
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    azp: ids.spaClientId,
  };
  if (audience === 'graph' && user.directoryRoles.length > 0) claims.wids = [...user.directoryRoles];
  if (audience === 'relay' && user.appRoles.length > 0) claims.roles = [...user.appRoles];
  return claims;
}

/** The ID-token claims of `user` beyond those the provider sets itself (`iss`, `aud`, `exp`, …). */
export function idTokenUserClaims(ids: AppIds, user: TenantUser): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: user.id,
    ver: '2.0',
    tid: ids.tenantId,
    oid: user.id,
    name: user.displayName,
    preferred_username: user.userPrincipalName,
  };
  if (user.directoryRoles.length > 0) claims.wids = [...user.directoryRoles];
  return claims;
}
