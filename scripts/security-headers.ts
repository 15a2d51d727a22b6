/**
 * The response headers the Keyward app must be served with, in every deployment (and in the demo).
 *
 * They are the Isolated Web App rules (DESIGN.md): a strict CSP with Trusted Types, no inline script or
 * style, and cross-origin isolation (COOP same-origin, COEP require-corp, CORP same-origin). The only
 * variable part is where the page may connect: the Entra authority, Microsoft Graph and the relay.
 */
export interface SecurityHeaderOptions {
  /** Origins the page fetches from besides itself: authority, Graph, relay. */
  connectSrc: readonly string[];
  /** Origins that may be framed (MSAL's silent renewal iframe loads the authority). */
  frameSrc?: readonly string[];
  /**
   * The local PC/SC bridge's port (bridge/, default 35990), when operators use it: adds
   * `ws://127.0.0.1:<port>` to connect-src. Loopback only; the bridge itself checks Origin and pairing.
   */
  pcscBridgePort?: number;
}

/** Trusted Types policies the app creates: Svelte's template policy and our service-worker URL policy. */
export const TRUSTED_TYPES_POLICIES = ['svelte-trusted-html', 'keyward-sw'] as const;

/** Builds the header set for the app's HTML and assets. */
export function securityHeaders(opts: SecurityHeaderOptions): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${[...opts.connectSrc, ...(opts.pcscBridgePort ? [`ws://127.0.0.1:${opts.pcscBridgePort}`] : [])].join(' ')}`.trim(),
    `frame-src ${opts.frameSrc?.length ? opts.frameSrc.join(' ') : "'none'"}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    `trusted-types ${TRUSTED_TYPES_POLICIES.join(' ')}`,
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'usb=(self), camera=(), microphone=(), geolocation=()',
  };
}
