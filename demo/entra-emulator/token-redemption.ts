/**
 * The token endpoint's platform rules (redirect-platforms.ts) in front of oidc-provider: a code is judged
 * by the platform of the redirect URI it was issued for, a refresh token by the platform of the code its
 * grant began with. Refused requests get Entra's error body (`error_codes`, AADSTS text); the rest go on
 * to the provider with the body already read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type Provider from 'oidc-provider';
import {
  matchRedirect,
  redemptionRefusal,
  type EntraTokenError,
  type RedirectPlatform,
  type RegisteredRedirect,
} from './redirect-platforms';
import { readBodyText } from './request-body';

/**
 * Makes `provider` match redirect URIs as Entra does (redirect-platforms.ts): the loopback port is ignored
 * on every platform, not only for oidc-provider's `native` clients (models/client.js).
 */
export function matchRedirectsAsEntra(provider: Provider, redirects: readonly RegisteredRedirect[]): void {
  provider.Client.prototype.redirectUriAllowed = function (uri: string) {
    const own = redirects.filter((r) => this.redirectUris.includes(r.uri));
    return matchRedirect(own, uri) !== undefined;
  };
}

/** What the guard needs: the provider (to look codes up), the SPA app's client id and registration. */
export interface RedemptionGuardDeps {
  readonly provider: Provider;
  readonly clientId: string;
  readonly redirects: readonly RegisteredRedirect[];
  /** The registration's "Allow public client flows" (default off). */
  readonly allowPublicClientFlows?: boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

const BODY_LIMIT = 56 * 1024;

/** Wraps `provider` (a handler for requests under the issuer path, already re-rooted) with the rules. */
export function guardTokenRedemption(deps: RedemptionGuardDeps, provider: Handler): Handler {
  /** The platform each grant began with (grant id → platform of the code's redirect URI). */
  const grants = new Map<string, RedirectPlatform>();

  const platformOf = async (form: URLSearchParams): Promise<RedirectPlatform | undefined> => {
    if (form.get('client_id') !== deps.clientId) return undefined;
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = await deps.provider.AuthorizationCode.find(form.get('code') ?? '', { ignoreExpiration: true });
      const platform = code?.redirectUri ? matchRedirect(deps.redirects, code.redirectUri)?.platform : undefined;
      if (code?.grantId && platform) grants.set(code.grantId, platform);
      return platform;
    }
    if (grantType === 'refresh_token') {
      const token = await deps.provider.RefreshToken.find(form.get('refresh_token') ?? '', { ignoreExpiration: true });
      return token?.grantId ? grants.get(token.grantId) : undefined;
    }
    return undefined;
  };

  return async (req, res) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/token') return provider(req, res);
    let raw: string;
    try {
      raw = await readBodyText(req, BODY_LIMIT);
    } catch {
      return res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Request entity too large');
    }
    const form = new URLSearchParams(raw);
    const platform = await platformOf(form);
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const refusal =
      platform &&
      redemptionRefusal({
        platform,
        origin,
        clientCredential: form.has('client_secret') || form.has('client_assertion'),
        allowPublicClientFlows: deps.allowPublicClientFlows === true,
      });
    if (refusal) return sendEntraError(res, refusal, origin);
    // oidc-provider reads a body another layer has read from `req.body` (shared/selective_body.js).
    (req as IncomingMessage & { body?: string }).body = raw;
    return provider(req, res);
  };
}

/** Entra's token error body; readable cross-origin, as Entra's are (MSAL shows the AADSTS code). */
function sendEntraError(res: ServerResponse, e: EntraTokenError, origin: string | undefined): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  const body = {
    error: e.error,
    error_description: `${e.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [e.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
  };
  res
    .writeHead(e.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...(origin ? { 'Access-Control-Allow-Origin': origin } : {}),
    })
    .end(JSON.stringify(body));
}
