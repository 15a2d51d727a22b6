/**
 * The emulator's sign-in page: one button per account that may sign in (enabled members, then the
 * guest). Choosing one completes the oidc-provider interaction with login *and* consent, because the
 * tenant has admin-consented the SPA's permissions (there is no separate consent page, as on Entra).
 *
 * When the request names a permission whose admin consent the tenant withholds (consent.ts), choosing
 * the account shows Entra's "Need admin approval" page instead; its one button returns to the app with
 * `error=consent_required` and the AADSTS65001 description, as Entra's "return to the application" does.
 *
 * Each account is its own plain form POST, so the page needs no script; see html.ts for the CSP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { consentRequiredDescription, withheldIn } from './consent';
import { escapeHtml, PAGE_CSP, renderPage } from './html';
import { grantRequestedScopes } from './oidc';
import { readBodyText } from './request-body';
import type { Tenant, TenantUser } from './tenant';
import { SPA_DISPLAY_NAME, type AppIds } from './token-claims';

/** What the sign-in page needs. */
export interface LoginPageDeps {
  readonly provider: Provider;
  readonly tenant: Tenant;
  readonly ids: AppIds;
  /** Path prefix of the page; the interaction uid follows it. */
  readonly loginPath: string;
  readonly log: (line: string) => void;
}

const FORM_LIMIT = 4096;

/** Handles GET (show accounts) and POST (choose one) on `${loginPath}/<uid>`. */
export async function handleLoginRequest(
  deps: LoginPageDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const uid = new URL(req.url ?? '/', 'https://emulator.invalid').pathname.slice(deps.loginPath.length + 1);
  try {
    const details = await deps.provider.interactionDetails(req, res);
    if (details.uid !== uid) return sendPage(res, 400, 'Sign-in expired', expiredBody());
    if (req.method === 'GET') return sendPage(res, 200, 'Sign in', accountListBody(deps, uid));
    if (req.method !== 'POST') return sendPage(res, 405, 'Not allowed', '<h1>Method not allowed</h1>');
    await handleChoice(deps, req, res, uid, details.params);
  } catch (err) {
    deps.log(`sign-in page error: ${(err as Error).name}`);
    sendPage(res, 400, 'Sign-in expired', expiredBody());
  }
}

/** A POST from the account list or the approval page. */
async function handleChoice(
  deps: LoginPageDeps,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  params: { client_id?: string; scope?: string },
): Promise<void> {
  const form = new URLSearchParams(await readBodyText(req, FORM_LIMIT));
  const action = form.get('action');
  if (action === 'cancel') {
    deps.log('sign-in cancelled');
    return finishWithError(deps, req, res, 'access_denied', 'The user cancelled sign-in.');
  }
  if (action === 'back-to-app') {
    deps.log('sign-in ended: admin consent required');
    return finishWithError(deps, req, res, 'consent_required', consentRequiredDescription(deps.ids));
  }
  const user = deps.tenant.signInAccounts().find((u) => u.id === form.get('account'));
  if (!user) return sendPage(res, 400, 'Unknown account', '<h1>That account cannot sign in</h1>');
  const withheld = withheldIn(deps.ids, deps.tenant.withheldConsent, params.scope);
  if (withheld.length > 0) {
    deps.log(`sign-in: ${user.userPrincipalName} needs admin approval`);
    return sendPage(res, 200, 'Need admin approval', approvalBody(deps, uid, user, withheld));
  }
  await completeSignIn(deps, req, res, user, params);
}

function finishWithError(
  deps: LoginPageDeps,
  req: IncomingMessage,
  res: ServerResponse,
  error: string,
  description: string,
): Promise<void> {
  return deps.provider.interactionFinished(
    req,
    res,
    { error, error_description: description },
    { mergeWithLastSubmission: false },
  );
}

async function completeSignIn(
  deps: LoginPageDeps,
  req: IncomingMessage,
  res: ServerResponse,
  user: TenantUser,
  params: { client_id?: string; scope?: string },
): Promise<void> {
  const grant = new deps.provider.Grant({ accountId: user.id, clientId: String(params.client_id) });
  grantRequestedScopes(grant, deps.ids, params.scope ?? '', deps.tenant.withheldConsent);
  const grantId = await grant.save();
  deps.log(`sign-in: ${user.userPrincipalName}`);
  await deps.provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.id }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

function accountListBody(deps: LoginPageDeps, uid: string): string {
  const action = `${deps.loginPath}/${encodeURIComponent(uid)}`;
  const items = deps.tenant.signInAccounts().map(
    (u) => `<li><form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="account" value="${escapeHtml(u.id)}">
<button type="submit">${escapeHtml(u.displayName)}<span class="upn">${escapeHtml(u.userPrincipalName)}</span></button>
</form></li>`,
  );
  return `<h1>Pick an account</h1>
<p class="note">Emulated Microsoft Entra ID tenant ${escapeHtml(deps.tenant.domain)}. No password is asked.</p>
<ul>${items.join('\n')}</ul>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="action" value="cancel">
<button type="submit">Cancel sign-in</button></form>`;
}

/** Entra's "Need admin approval": names the app and the permissions only an administrator can grant. */
function approvalBody(deps: LoginPageDeps, uid: string, user: TenantUser, permissions: readonly string[]): string {
  const action = `${deps.loginPath}/${encodeURIComponent(uid)}`;
  const items = permissions.map((p) => `<li>${escapeHtml(p)}</li>`).join('\n');
  return `<h1>Need admin approval</h1>
<p class="upn">${escapeHtml(user.userPrincipalName)}</p>
<p>${escapeHtml(SPA_DISPLAY_NAME)} needs permission to access resources in your organization that only an administrator can grant:</p>
<ul class="permissions">${items}</ul>
<p>Ask an administrator of ${escapeHtml(deps.tenant.domain)} to grant this permission to ${escapeHtml(SPA_DISPLAY_NAME)} before you can use it.</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="action" value="back-to-app">
<button type="submit">Back to the app</button></form>`;
}

function expiredBody(): string {
  return '<h1>This sign-in request has expired</h1><p>Close this window and start signing in again.</p>';
}

function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': PAGE_CSP,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(renderPage(title, body));
}
