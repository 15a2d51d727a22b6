/**
 * The emulator's one request listener (index.ts): each request goes by path to Graph, the sign-in page and
 * its stylesheet, or oidc-provider mounted under the issuer path; anything else is a 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adaptAuthorizationRequest, adaptEndSessionRequest } from './authorize-request';
import { PAGE_CSP, STYLESHEET_PATH, stylesheet } from './html';
import type { Tenant } from './tenant';
import type { AppIds } from './token-claims';

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Dispatches by path: Graph, the sign-in page and its stylesheet, the provider under the issuer path. */
export function routeRequests(r: {
  ids: AppIds;
  tenant: Tenant;
  loginPath: string;
  graph: Handler;
  login: Handler;
  provider: Handler;
}) {
  const issuerPath = new URL(r.ids.issuer).pathname;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/graph' || path.startsWith('/graph/')) {
      void r.graph(req, res);
    } else if (path.startsWith(`${r.loginPath}/`)) {
      void r.login(req, res);
    } else if (path === STYLESHEET_PATH) {
      res
        .writeHead(200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=300' })
        .end(stylesheet());
    } else if (path === issuerPath || path.startsWith(`${issuerPath}/`)) {
      mountProvider(req, issuerPath, r.ids, r.tenant);
      void r.provider(req, res);
    } else {
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': PAGE_CSP })
        .end('Not found');
    }
  };
}

/**
 * Hands a request to oidc-provider as if mounted at the issuer path (Express-style `originalUrl`), which
 * the provider uses to build its absolute URLs (helpers/oidc_context.js `urlFor`).
 */
function mountProvider(req: IncomingMessage, issuerPath: string, ids: AppIds, tenant: Tenant): void {
  const original = req.url ?? '/';
  let inner = original.slice(issuerPath.length) || '/';
  if (inner.startsWith('/') === false) inner = `/${inner}`;
  const innerPath = inner.split('?')[0];
  if (req.method === 'GET' && innerPath === '/auth')
    inner = adaptAuthorizationRequest(ids, inner, tenant.withheldConsent);
  if (req.method === 'GET' && innerPath === '/session/end') inner = adaptEndSessionRequest(ids, inner);
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = `${issuerPath}${inner}`;
  req.url = inner;
}
