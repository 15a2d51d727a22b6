/**
 * Withheld admin consent: the tenant switch that makes the emulator behave like an Entra tenant whose
 * administrator has not (yet) consented some of the SPA's delegated permissions.
 *
 * With a permission withheld, Entra:
 * - never puts it into a grant or a token;
 * - refuses a refresh-token request naming it: HTTP 400 `invalid_grant`, `error_codes: [65001]`,
 *   `suberror: 'consent_required'`, description "AADSTS65001: The user or administrator has not consented
 *   to use the application…";
 * - answers an interactive request naming it with the "Need admin approval" page (login-page.ts), which
 *   returns to the app with `error=consent_required`.
 *
 * oidc-provider already refuses a refresh whose scope is outside the refresh token (`invalid_scope`,
 * actions/grants/refresh_token.js), and refresh tokens issued before the permission was withheld are
 * stopped by `refuseWithheldRefresh` before they are rotated; `entraConsentErrors` then gives both
 * refusals Entra's body.
 */
import { errors, type KoaContextWithOIDC, type OidcContext } from 'oidc-provider';
import type { Tenant } from './tenant';
import { GRAPH_SCOPE_NAMES, RELAY_SCOPE_NAMES, resourceInfo, SPA_DISPLAY_NAME, type AppIds } from './token-claims';

/** Entra's error number for "consent required" (AADSTS65001). */
export const CONSENT_REQUIRED_ERROR_CODE = 65001;

/** Validates permission short names (e.g. 'UserAuthMethod-TAP.ReadWrite.All') and returns them as a set. */
export function parseWithheld(permissions: readonly string[]): ReadonlySet<string> {
  const known = new Set<string>([...GRAPH_SCOPE_NAMES, ...RELAY_SCOPE_NAMES]);
  const unknown = permissions.filter((p) => !known.has(p));
  if (unknown.length > 0) throw new Error(`unknown delegated permission(s): ${unknown.join(', ')}`);
  return new Set(permissions);
}

/** The short name of a full scope string of one of our resources, or undefined for OIDC and foreign scopes. */
function shortName(ids: AppIds, scope: string): string | undefined {
  for (const audience of ['graph', 'relay'] as const) {
    const { scopePrefix } = resourceInfo(ids, audience);
    if (scope.startsWith(scopePrefix)) return scope.slice(scopePrefix.length);
  }
  return undefined;
}

/** True when the full scope string `scope` is a permission whose consent is withheld. */
export function isWithheld(ids: AppIds, withheld: ReadonlySet<string>, scope: string): boolean {
  const name = shortName(ids, scope);
  return name !== undefined && withheld.has(name);
}

/** The withheld permissions (short names) a space-separated scope string names. */
export function withheldIn(ids: AppIds, withheld: ReadonlySet<string>, scope: string | undefined): string[] {
  const named = (scope ?? '').split(' ').filter((s) => s && isWithheld(ids, withheld, s));
  return [...new Set(named.map((s) => shortName(ids, s) ?? s))];
}

/** Entra's AADSTS65001 description for the SPA. */
export function consentRequiredDescription(ids: AppIds): string {
  return `AADSTS65001: The user or administrator has not consented to use the application with ID '${ids.spaClientId}' named '${SPA_DISPLAY_NAME}'. Send an interactive authorization request for this user and resource.`;
}

/**
 * oidc-provider's `rotateRefreshToken` hook, the last point of the refresh grant before the old refresh
 * token is consumed: a refresh naming a withheld permission is refused there (the old token stays
 * usable for other scopes). Otherwise it answers like the default for public clients: always rotate.
 */
export function refuseWithheldRefresh(ids: AppIds, tenant: Tenant): (ctx: KoaContextWithOIDC) => boolean {
  return (ctx) => {
    if (withheldIn(ids, tenant.withheldConsent, ctx.oidc.params?.scope).length > 0) {
      throw new errors.CustomOIDCProviderError('invalid_grant', consentRequiredDescription(ids));
    }
    return true;
  };
}

/** The Koa context as `provider.use` middleware sees it: `oidc` is set only once a route matched. */
export interface ProviderContext {
  readonly method: string;
  status: number;
  body: unknown;
  readonly oidc?: OidcContext;
}

/** Koa middleware (`provider.use`): gives a refused refresh naming a withheld permission Entra's body. */
export function entraConsentErrors(
  ids: AppIds,
  tenant: Tenant,
): (ctx: ProviderContext, next: () => Promise<void>) => Promise<void> {
  return async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.status !== 400 || ctx.oidc?.route !== 'token') return;
    if (ctx.oidc.params?.grant_type !== 'refresh_token' || typeof ctx.body !== 'object' || ctx.body === null) return;
    if (withheldIn(ids, tenant.withheldConsent, ctx.oidc.params?.scope).length === 0) return;
    // Only the two refusals above; other failures (an expired or reused refresh token) keep their answer.
    const { error, error_description: description } = ctx.body as Record<string, unknown>;
    if (error !== 'invalid_scope' && description !== consentRequiredDescription(ids)) return;
    ctx.body = {
      error: 'invalid_grant',
      error_description: consentRequiredDescription(ids),
      error_codes: [CONSENT_REQUIRED_ERROR_CODE],
      suberror: 'consent_required',
    };
  };
}
