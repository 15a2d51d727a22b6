/**
 * The HTTP seam of the relay's outbound calls (OIDC discovery, the token endpoint, Graph), and a
 * `node:https` implementation that trusts exactly one extra CA.
 *
 * Production uses the global `fetch` (with `NODE_EXTRA_CA_CERTS` when a private CA is involved, as the
 * demo does). Tests and the bench talk to the Entra emulator's throwaway CA without touching global TLS
 * settings, through {@link createCaTrustingFetch}.
 */
import { Agent, request } from 'node:https';

/** What the relay's outbound calls need from `fetch`. */
export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: string;
  signal?: AbortSignal;
  redirect?: 'manual';
}

/** A `fetch` subset; the global `fetch` satisfies it. */
export type HttpFetch = (url: string, init: HttpRequestInit) => Promise<Response>;

/** The global fetch, never following redirects (a redirect from an identity endpoint is a failure). */
export const globalHttpFetch: HttpFetch = (url, init) => fetch(url, { ...init, redirect: 'manual' });

function headerRecord(headers: HttpRequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  return { ...headers };
}

/**
 * A fetch over `node:https` that trusts `caPem` (and nothing else), with kept-alive connections. Bodies
 * are buffered: the relay's outbound responses are small JSON documents.
 */
export function createCaTrustingFetch(caPem: string): HttpFetch & { close(): void } {
  const agent = new Agent({ ca: caPem, keepAlive: true, maxSockets: 64 });
  const doFetch = (url: string, init: HttpRequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: init.method ?? 'GET', headers: headerRecord(init.headers), agent, signal: init.signal },
        (res) => {
          const chunks: Uint8Array[] = [];
          res.on('data', (c: Uint8Array) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (typeof value === 'string') headers.set(name, value);
              else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
            }
            const status = res.statusCode ?? 500;
            const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, headers }));
          });
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
  return Object.assign(doFetch, { close: () => agent.destroy() });
}
