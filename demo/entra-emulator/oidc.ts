/**
 * oidc-provider configuration that makes it look like Entra ID's v2 endpoint to MSAL:
 * authorization code + PKCE for the SPA (public client), refresh tokens, RS256, ID and access tokens in
 * Entra's v2 claim shape (token-claims.ts), access tokens as JWTs for two resources picked from the
 * requested scope strings (Graph and the relay API), as Entra does since MSAL sends no `resource`.
 *
 * Settings known to work with MSAL v5: DESIGN.md "Verified: MSAL v5 against a local OIDC provider".
 */
import { randomBytes } from 'node:crypto';
import Provider, {
  errors,
  type Grant,
  type KoaContextWithOIDC,
  type StructuredJwt,
  type TokenView,
} from 'oidc-provider';
import { appOnlyClaims, appOnlyShape, isClientCredentials, relayAppClient, resourceFromDefaultScope } from './app-only';
import { entraConsentErrors, isWithheld, refuseWithheldRefresh } from './consent';
import { escapeHtml, renderPage } from './html';
import type { SigningKey } from './signing';
import type { Tenant } from './tenant';
import {
  accessTokenUserClaims,
  audienceForScope,
  idTokenUserClaims,
  resourceByIndicator,
  resourceInfo,
  scpFromScopes,
  SPA_DISPLAY_NAME,
  type AppIds,
} from './token-claims';

/** What the provider needs from the emulator. */
export interface OidcDeps {
  readonly ids: AppIds;
  readonly tenant: Tenant;
  readonly key: SigningKey;
  readonly spaRedirectUris: readonly string[];
  /** Client secret of the relay app, a confidential client for app-only Graph tokens (app-only.ts). */
  readonly relayClientSecret: string;
  /** Path prefix of the sign-in page; the interaction uid is appended. */
  readonly loginPath: string;
  readonly log: (line: string) => void;
}

const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/**
 * Adds to `grant` every scope of `scope` that is an OIDC scope or one of our resources' scopes, except
 * the permissions whose admin consent is withheld (short names in `withheld`).
 */
export function grantRequestedScopes(grant: Grant, ids: AppIds, scope: string, withheld: ReadonlySet<string>): void {
  const requested = scope.split(' ').filter((s) => s && !isWithheld(ids, withheld, s));
  const oidc = requested.filter((s) => OIDC_SCOPES.includes(s));
  if (oidc.length > 0) grant.addOIDCScope(oidc.join(' '));
  for (const audience of ['graph', 'relay'] as const) {
    const info = resourceInfo(ids, audience);
    const own = requested.filter((s) => s.startsWith(info.scopePrefix));
    if (own.length > 0) grant.addResourceScope(info.indicator, own.join(' '));
  }
}

/** Creates the provider for `${deps.ids.issuer}`. Mount it with the issuer's path stripped (see index.ts). */
export function createOidcProvider(deps: OidcDeps): Provider {
  const provider = new Provider(deps.ids.issuer, configuration(deps));
  provider.use(entraConsentErrors(deps.ids, deps.tenant));
  provider.on('server_error', (_ctx, err) => deps.log(`oidc server_error: ${(err as Error).message}`));
  provider.on('grant.error', (_ctx, err) => deps.log(`oidc grant error: ${(err as Error).name}`));
  provider.on('authorization.error', (_ctx, err) => deps.log(`oidc authorization error: ${(err as Error).name}`));
  return provider;
}

function configuration(deps: OidcDeps): Record<string, unknown> {
  const { ids, tenant } = deps;
  const redirectOrigins = new Set(deps.spaRedirectUris.map((u) => new URL(u).origin));
  return {
    clients: [spaClient(deps, redirectOrigins), relayAppClient(ids, deps.relayClientSecret)],
    jwks: { keys: [deps.key.privateJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: OIDC_SCOPES,
    claims: { openid: ['sub', 'oid', 'tid', 'ver', 'wids'], profile: ['name', 'preferred_username'], email: ['email'] },
    // Entra puts profile claims in the ID token of a code flow; oidc-provider keeps them for userinfo otherwise.
    conformIdTokenClaims: false,
    findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => {
      const user = tenant.findUser(sub);
      if (!user || !user.accountEnabled) return undefined;
      return { accountId: user.id, claims: () => idTokenUserClaims(ids, user) };
    },
    interactions: {
      url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `${deps.loginPath}/${interaction.uid}`,
    },
    features: features(deps),
    extraTokenClaims: async (_ctx: KoaContextWithOIDC, token: TokenView) => {
      if (token.kind === 'ClientCredentials') {
        return token.resourceServer && token.clientId === ids.relayClientId
          ? appOnlyClaims(ids, token.resourceServer.identifier(), tenant.withheldAppConsent)
          : undefined;
      }
      const user = token.accountId ? tenant.findUser(token.accountId) : undefined;
      const resource = token.resourceServer && resourceByIndicator(ids, token.resourceServer.identifier());
      return user && resource ? accessTokenUserClaims(ids, user, resource.audience) : undefined;
    },
    formats: {
      customizers: {
        jwt: (ctx: KoaContextWithOIDC, token: TokenView, jwt: StructuredJwt) =>
          entraShape(ctx, ids, tenant, token, jwt),
      },
    },
    // Entra always returns a refresh token to a SPA; oidc-provider would drop offline_access without a consent prompt.
    issueRefreshToken: async (_ctx: KoaContextWithOIDC, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    loadExistingGrant: (ctx: KoaContextWithOIDC) => loadAndExtendGrant(ctx, ids, tenant),
    // Used as the hook that refuses a refresh naming a withheld permission before the token is consumed.
    rotateRefreshToken: refuseWithheldRefresh(ids, tenant),
    clientBasedCORS: (_ctx: KoaContextWithOIDC, origin: string) => redirectOrigins.has(origin),
    pkce: { required: () => true },
    renderError: async (ctx: KoaContextWithOIDC, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = renderPage(
        'Sign-in error',
        `<h1>Sign-in error</h1><p>${escapeHtml(out.error ?? 'error')}</p>
<p class="note">${escapeHtml(out.error_description ?? '')}</p>`,
      );
    },
    ttl: {
      AccessToken: 3600,
      ClientCredentials: 3600,
      AuthorizationCode: 600,
      IdToken: 3600,
      RefreshToken: 86_400,
      Interaction: 900,
      Session: 86_400,
      Grant: 86_400,
    },
  };
}

function spaClient(deps: OidcDeps, redirectOrigins: Set<string>): Record<string, unknown> {
  return {
    client_id: deps.ids.spaClientId,
    client_name: SPA_DISPLAY_NAME,
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [...deps.spaRedirectUris],
    post_logout_redirect_uris: [...deps.spaRedirectUris, ...[...redirectOrigins].map((o) => `${o}/`)],
  };
}

function features(deps: OidcDeps): Record<string, unknown> {
  const { ids } = deps;
  return {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // Entra's userinfo lives on Graph; without it every token request resolves to a resource (helpers/resolve_resource.js).
    userinfo: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
        ctx.type = 'html';
        ctx.body = renderPage(
          'Sign out',
          `<h1>Sign out</h1>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out of the emulated tenant</button>`,
        );
      },
      postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
        ctx.type = 'html';
        ctx.body = renderPage('Signed out', '<h1>You have signed out</h1>');
      },
    },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string[]) => {
        // Entra's client credentials name the resource by its `.default` scope (app-only.ts).
        if (isClientCredentials(ctx))
          return resourceFromDefaultScope(ids, ctx.oidc.params?.scope ?? ctx.oidc.body?.scope);
        if (oneOf) {
          const scope = ctx.oidc.params?.scope ?? (ctx.oidc.body?.scope as string | undefined);
          const wanted = resourceInfo(ids, audienceForScope(ids, scope)).indicator;
          return oneOf.includes(wanted) ? wanted : oneOf[0];
        }
        // Bind both resources to the code (and so to the refresh token), so a refresh can switch resource.
        if (ctx.oidc.route === 'authorization')
          return [resourceInfo(ids, 'graph').indicator, resourceInfo(ids, 'relay').indicator];
        return undefined;
      },
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx: KoaContextWithOIDC, indicator: string) => {
        const resource = resourceByIndicator(ids, indicator);
        if (!resource) throw new errors.InvalidTarget();
        return {
          scope: resource.scopeNames.map((n) => `${resource.scopePrefix}${n}`).join(' '),
          audience: resource.aud,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  };
}

/**
 * Rewrites oidc-provider's JWT access-token payload into Entra's: `scp` instead of `scope`, `nbf`,
 * `typ: JWT`. Like Entra, `scp` lists every permission granted on the resource, not only those this
 * request named (a refresh asking for `User.Read` still gets `User.Read.All` if it was consented), and
 * never a permission whose consent is now withheld, even if a grant from before still holds it.
 */
function entraShape(ctx: KoaContextWithOIDC, ids: AppIds, tenant: Tenant, token: TokenView, jwt: StructuredJwt): void {
  const resource = token.resourceServer && resourceByIndicator(ids, token.resourceServer.identifier());
  if (!resource) return;
  jwt.header = { typ: 'JWT' };
  if (token.kind === 'ClientCredentials') {
    appOnlyShape(jwt.payload);
    return;
  }
  const { payload } = jwt;
  const granted = ctx.oidc.entities.Grant?.getResourceScope(resource.indicator) ?? String(payload.scope ?? '');
  const consented = granted.split(' ').filter((s) => !isWithheld(ids, tenant.withheldConsent, s));
  payload.scp = scpFromScopes(ids, resource.audience, consented);
  payload.nbf = payload.iat;
  delete payload.scope;
  delete payload.client_id;
}

/**
 * Consent is automatic (the tenant admin-consented the SPA's permissions), so the grant is found or
 * created for the signed-in account and extended with whatever this request asks for, bar withheld
 * permissions.
 */
async function loadAndExtendGrant(ctx: KoaContextWithOIDC, ids: AppIds, tenant: Tenant): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const clientId = oidc.client?.clientId;
  const accountId = oidc.session?.accountId;
  if (!clientId || !accountId) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
  const grant =
    (grantId ? await oidc.provider.Grant.find(grantId) : undefined) ?? new oidc.provider.Grant({ accountId, clientId });
  grantRequestedScopes(grant, ids, oidc.params?.scope ?? '', tenant.withheldConsent);
  await grant.save();
  return grant;
}
