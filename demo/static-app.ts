/**
 * Serves the built PWA (dist/: the operator console at /, the holder's self-service page at /self-service/) with the headers the app requires (scripts/security-headers.ts) and the
 * deployment file keyward.config.json generated for this deployment.
 */
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { securityHeaders } from '../scripts/security-headers';
import type { DeploymentConfig } from '../src/config/deployment';

/**
 * A Hono app serving `root` with the security headers and `config` at /keyward.config.json. The CSP lets
 * the page reach the local PC/SC bridge on the port the config names.
 */
export function createStaticApp(root: string, config: DeploymentConfig, connectSrc: readonly string[]): Hono {
  const headers = securityHeaders({ connectSrc, pcscBridgePort: config.pcscBridgePort });
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
    const path = c.req.path;
    const immutable = path.startsWith('/assets/');
    c.res.headers.set('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  });
  app.get('/keyward.config.json', (c) => c.json(config));
  // The card holder's self-service page is a folder of its own (dist/self-service/index.html).
  app.get('/self-service', (c) => c.redirect('/self-service/', 301));
  app.use('*', serveStatic({ root }));
  app.notFound((c) => c.text('Not found', 404));
  return app;
}
