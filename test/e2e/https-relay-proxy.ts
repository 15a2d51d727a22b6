/**
 * An https front for the demo's http relay, as a production relay sits behind TLS. The installed app
 * needs it: Chrome gives an Isolated Web App a fixed CSP whose connect-src allows `https:` and `wss:` but
 * not `http:`, so the demo relay at http://localhost:<port> is out of its reach. Uses the demo's own
 * certificate (.demo/tls.json, which demo/main.ts writes); tests run with ignoreHTTPSErrors.
 */
import { createServer, type Server } from 'node:https';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

/** Starts the proxy on 127.0.0.1 at a free port; `url` is `https://localhost:<port>`. */
export async function startHttpsRelayProxy(relayUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const tls = JSON.parse(readFileSync('.demo/tls.json', 'utf8')) as { certPem: string; keyPem: string };
  const target = new URL(relayUrl);
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
