/**
 * The loopback listener of the RFC 8252 flow (§7.3): a one-shot HTTP server on 127.0.0.1 that receives
 * the browser tab's redirect `GET /?code=…&state=…` and answers it with a short page. Inside the Isolated
 * Web App it is a Direct Sockets `TCPServerSocket` (direct-sockets-listener.ts); the sign-in logic above
 * sees only this interface. Also the small HTTP/1.1 reading and writing it needs (RFC 9112 §2–3).
 */

/** One request that reached the listener. */
export interface LoopbackRequest {
  /** The request line's method, e.g. `GET`. */
  readonly method: string;
  /** The request target in origin form (RFC 9112 §3.2.1), e.g. `/?code=…&state=…`. */
  readonly target: string;
  /** Answers with `status` and an HTML page, then closes the connection. */
  respond(status: number, html: string): Promise<void>;
}

/** A listening loopback server. */
export interface LoopbackListener {
  /** The port it listens on (chosen by the system). */
  readonly port: number;
  /** The next request (connections that send no complete request are dropped). */
  next(): Promise<LoopbackRequest>;
  /** Stops listening and drops pending connections. */
  close(): Promise<void>;
}

/** Opens a listener on 127.0.0.1 at a free port. */
export type OpenLoopbackListener = () => Promise<LoopbackListener>;

/** The most a request head may take; the redirect carries a code and a state, far less. */
export const MAX_REQUEST_HEAD = 16 * 1024;

/** The request line of an HTTP/1.x request head, or undefined while the head is incomplete or malformed. */
export function parseRequestHead(head: string): { method: string; target: string } | undefined {
  const end = head.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const line = head.slice(0, head.indexOf('\r\n'));
  const m = /^([A-Z]+) (\/\S*) HTTP\/1\.[01]$/.exec(line);
  return m ? { method: m[1]!, target: m[2]! } : undefined;
}

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found' };

/**
 * A complete HTTP/1.1 response: the page with no scripts, styles or subresources allowed, never cached,
 * and no Referer sent onwards (the URL held the authorization code).
 */
export function formatResponse(status: number, html: string): Uint8Array {
  const body = new TextEncoder().encode(html);
  const head = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'OK'}`,
    'Content-Type: text/html; charset=utf-8',
    `Content-Length: ${body.length}`,
    "Content-Security-Policy: default-src 'none'",
    'Referrer-Policy: no-referrer',
    'Cache-Control: no-store',
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  const out = new Uint8Array(head.length + body.length);
  out.set(new TextEncoder().encode(head), 0);
  out.set(body, head.length);
  return out;
}

/** A minimal page for the browser tab (no markup from outside: only the fixed words given). */
export function tabPage(title: string, text: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${text}</p></html>`;
}
