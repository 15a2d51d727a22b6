/**
 * Adapts an authorization request from MSAL to what oidc-provider needs to behave like Entra. It runs
 * on the URL before the provider sees it:
 *
 * - **Scope**: Entra issues tokens carrying every permission the tenant consented for the app, and one
 *   refresh token usable for any consented resource. oidc-provider binds a refresh token to the scopes of
 *   its authorization request, so the SPA's configured permissions (Graph and relay) are added here,
 *   except those whose admin consent the tenant withholds (consent.ts): they were never consented.
 * - **offline_access**: oidc-provider drops it unless `prompt` includes `consent` (actions/authorization/
 *   scopes.js); a refresh request naming it (MSAL always does) would then fail with invalid_scope. So an
 *   interactive request that asks for it also gets `consent`, which the sign-in page answers.
 * - **prompt=select_account**: Entra's account picker; oidc-provider knows only login/consent/none, and
 *   `login` shows our account list.
 *
 * Sign-out requests get the same treatment: MSAL sends `post_logout_redirect_uri` without `client_id` or
 * `id_token_hint`, and oidc-provider then ignores the redirect (actions/end_session.js); Entra honours it,
 * so the (only) client id is filled in.
 */
import { isWithheld } from './consent';
import { fullScopes, RELAY_SCOPE_NAMES, SPA_GRAPH_PERMISSIONS, type AppIds } from './token-claims';

/**
 * Returns the rewritten `path?query` of an authorization request. `withheld` holds the short names of
 * permissions without admin consent; a request naming one keeps it (the sign-in page then asks for approval).
 */
export function adaptAuthorizationRequest(
  ids: AppIds,
  pathAndQuery: string,
  withheld: ReadonlySet<string> = new Set(),
): string {
  const url = new URL(pathAndQuery, 'https://emulator.invalid');
  const params = url.searchParams;
  const scopes = new Set((params.get('scope') ?? '').split(' ').filter(Boolean));
  for (const s of [
    ...fullScopes(ids, 'graph', SPA_GRAPH_PERMISSIONS),
    ...fullScopes(ids, 'relay', RELAY_SCOPE_NAMES),
  ]) {
    if (!isWithheld(ids, withheld, s)) scopes.add(s);
  }
  params.set('scope', [...scopes].join(' '));

  const prompts = new Set((params.get('prompt') ?? '').split(' ').filter(Boolean));
  if (!prompts.has('none')) {
    if (prompts.delete('select_account')) prompts.add('login');
    if (scopes.has('offline_access')) prompts.add('consent');
  }
  if (prompts.size > 0) params.set('prompt', [...prompts].join(' '));
  return `${url.pathname}?${params.toString()}`;
}

/** Returns the rewritten `path?query` of an end-session (sign-out) request. */
export function adaptEndSessionRequest(ids: AppIds, pathAndQuery: string): string {
  const url = new URL(pathAndQuery, 'https://emulator.invalid');
  const params = url.searchParams;
  if (params.has('post_logout_redirect_uri') && !params.has('client_id') && !params.has('id_token_hint')) {
    params.set('client_id', ids.spaClientId);
  }
  return `${url.pathname}?${params.toString()}`;
}
