/**
 * Test-only HTTPS client that trusts exactly the given certificate (no global
 * NODE_TLS_REJECT_UNAUTHORIZED), plus a minimal cookie jar for following the sign-in flow.
 */
import { request } from 'node:https';

/** A buffered response. */
export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends one request; never follows redirects. */
export function httpsRequest(
  url: string,
  init: { ca: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca: init.ca }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on('data', (c: Uint8Array) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The CORS preflight a browser at `origin` sends before a `method` request carrying `requestHeaders`. */
export function corsPreflight(
  url: string,
  ca: string,
  origin: string,
  method: string,
  requestHeaders: string,
): Promise<HttpsResponse> {
  return httpsRequest(url, {
    ca,
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': requestHeaders },
  });
}

/** Cookies by name (paths ignored: one emulator origin, short flows). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Stores `Set-Cookie` headers of a response; expired ones are removed. */
  store(res: HttpsResponse): void {
    const raw = res.headers['set-cookie'];
    for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The `Cookie` header value. */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
