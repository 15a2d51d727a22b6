/**
 * The relay app as a confidential client: the client credentials grant (RFC 6749 §4.4) with a client
 * secret, issuing app-only Graph tokens in Entra's v2 shape (Microsoft identity platform access token
 * reference): `idtyp: 'app'`, `roles` = the application permissions granted to the app, no `scp`,
 * `oid`/`sub` = the app's service principal object id, `azp` = its client id, `azpacr: '1'` (secret).
 *
 * Like Entra, the resource is named by the `.default` scope (`https://graph.microsoft.com/.default`);
 * MSAL and the relay send no `resource` parameter.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import { GRAPH_RESOURCE, resourceInfo, type AppIds } from './token-claims';

/**
 * Application permissions the tenant admin granted the relay app on Graph: reading users (mail export,
 * guest checks) and creating Temporary Access Passes (the self-service TAP broker).
 */
export const RELAY_APP_GRAPH_ROLES = ['User.Read.All', 'UserAuthMethod-TAP.ReadWrite.All'] as const;

/** Object id of the relay app's service principal (the `oid` of its app-only tokens). */
export const RELAY_SERVICE_PRINCIPAL_ID = '5b7e1f0c-2d3a-4e5f-8a9b-0c1d2e3f4a5b';

/** oidc-provider client metadata of the relay app. */
export function relayAppClient(ids: AppIds, secret: string): Record<string, unknown> {
  return {
    client_id: ids.relayClientId,
    client_secret: secret,
    client_name: 'Keyward relay',
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  };
}

/** True for a client credentials request at the token endpoint. */
export function isClientCredentials(ctx: KoaContextWithOIDC): boolean {
  const grantType = ctx.oidc.params?.grant_type ?? ctx.oidc.body?.grant_type;
  return grantType === 'client_credentials';
}

/** The resource indicator named by a `<resource>/.default` scope, or undefined. */
export function resourceFromDefaultScope(ids: AppIds, scope: unknown): string | undefined {
  const scopes = typeof scope === 'string' ? scope.split(' ') : [];
  for (const audience of ['graph', 'relay'] as const) {
    const info = resourceInfo(ids, audience);
    if (scopes.includes(`${info.scopePrefix}.default`)) return info.indicator;
  }
  return undefined;
}

/**
 * Claims of an app-only token for the relay app on `indicator` (only Graph grants it roles), without the
 * application permissions whose admin consent is `withheld`.
 */
export function appOnlyClaims(
  ids: AppIds,
  indicator: string,
  withheld: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  return {
    ver: '2.0',
    tid: ids.tenantId,
    oid: RELAY_SERVICE_PRINCIPAL_ID,
    azp: ids.relayClientId,
    azpacr: '1',
    idtyp: 'app',
    ...(indicator === GRAPH_RESOURCE ? { roles: RELAY_APP_GRAPH_ROLES.filter((r) => !withheld.has(r)) } : {}),
  };
}

/** Rewrites oidc-provider's payload of an app-only token into Entra's: no `scope`/`scp`, `sub` = the SP. */
export function appOnlyShape(payload: Record<string, unknown>): void {
  payload.sub = RELAY_SERVICE_PRINCIPAL_ID;
  payload.nbf = payload.iat;
  delete payload.scope;
  delete payload.client_id;
}
