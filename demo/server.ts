/**
 * The demo server: the built app, the relay, the Entra emulator and the SMTP catcher, all on loopback.
 * Real code paths throughout; only Entra ID and the mail server are emulated (DESIGN.md, "Embedded
 * default"). Started by demo/main.ts, which provides the certificate and NODE_EXTRA_CA_CERTS.
 *
 * Ports: KEYWARD_PORT (app, http, 8080), KEYWARD_IDP_PORT (Entra emulator, https, 8443),
 * KEYWARD_RELAY_PORT (8787), KEYWARD_SMTP_PORT (2525), KEYWARD_INBOX_PORT (8025), and the port the page
 * expects the local PC/SC bridge on, KEYWARD_BRIDGE_PORT (35990; `npm run bridge` uses the same default).
 * KEYWARD_IWA_ORIGIN (optional): an installed app's `isolated-app://<id>` that the relay and the emulated
 * Graph answer besides the app's own origin (README "The installed app").
 */
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createEntraEmulator, DEMO_RELAY_CLIENT_ID, DEMO_SPA_CLIENT_ID, DEMO_TENANT_ID } from './entra-emulator/index';
import { startSmtpCatcher } from './smtp-catcher/index';
import { loadConfig } from '../relay/config';
import { startRelay } from '../relay/server';
import { createStaticApp } from './static-app';
import { handleEmulatorControl } from './emulator-control';
import type { DeploymentConfig } from '../src/config/deployment';

const HOST = '127.0.0.1';
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ports = {
  app: port('KEYWARD_PORT', 8080),
  idp: port('KEYWARD_IDP_PORT', 8443),
  relay: port('KEYWARD_RELAY_PORT', 8787),
  smtp: port('KEYWARD_SMTP_PORT', 2525),
  inbox: port('KEYWARD_INBOX_PORT', 8025),
  bridge: port('KEYWARD_BRIDGE_PORT', 35990),
};
const appOrigin = `http://localhost:${ports.app}`;
const iwaOrigins = process.env.KEYWARD_IWA_ORIGIN ? [process.env.KEYWARD_IWA_ORIGIN] : [];
const idpOrigin = `https://localhost:${ports.idp}`;
const relayUrl = `http://localhost:${ports.relay}`;
const log = (line: string) => process.stdout.write(`${line}\n`);

const tls = JSON.parse(readFileSync(process.env.KEYWARD_TLS_FILE ?? '.demo/tls.json', 'utf8')) as {
  certPem: string;
  keyPem: string;
};

const emulator = await createEntraEmulator({
  origin: idpOrigin,
  tenantId: DEMO_TENANT_ID,
  spaClientId: DEMO_SPA_CLIENT_ID,
  // The installed app (Isolated Web App) signs in by the loopback flow: http://localhost on any port,
  // registered as a single-page application so its fetch may redeem the code (README "The installed app").
  spaRedirectUris: [`${appOrigin}/auth-redirect.html`, 'http://localhost'],
  relayClientId: DEMO_RELAY_CLIENT_ID,
  pageOrigins: iwaOrigins,
  // Members in no group, for Batch TAP from a CSV (the e2e run sets it; `npm start` has none).
  loadMembers: Number(process.env.KEYWARD_EMULATOR_LOAD_MEMBERS ?? 0),
  log: (line) => log(`[entra] ${line}`),
});
const idp = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
  // The one URL a newcomer opens: accepting this certificate once lets the app reach the emulator.
  if (req.url === '/' || req.url === '/start') {
    res.writeHead(302, { Location: `${appOrigin}/` }).end();
    return;
  }
  if (process.env.KEYWARD_EMULATOR_CONTROL === '1' && handleEmulatorControl(emulator, req, res)) return;
  emulator.listener(req, res);
});
await new Promise<void>((resolve) => idp.listen(ports.idp, HOST, resolve));

const smtp = await startSmtpCatcher({ port: ports.smtp, host: HOST, httpPort: ports.inbox });

const relay = await startRelay(
  loadConfig({
    PORT: String(ports.relay),
    HOST,
    TENANT_ID: DEMO_TENANT_ID,
    RELAY_CLIENT_ID: DEMO_RELAY_CLIENT_ID,
    AUTHORITY_HOST: `localhost:${ports.idp}`,
    ALLOWED_ORIGINS: [appOrigin, ...iwaOrigins].join(','),
    SMTP_URL: `smtp://localhost:${ports.smtp}`,
    MAIL_FROM: 'Keyward demo <keyward@contoso.example>',
    ALLOWED_DOMAINS: 'contoso.example',
    DEMO: '1',
    // The e2e run gives its relay a database of its own (`:memory:`); `npm start` keeps .demo/relay-db.
    ...(process.env.KEYWARD_DATA_DIR ? { KEYWARD_DATA_DIR: process.env.KEYWARD_DATA_DIR } : {}),
  }),
);

const deployment: DeploymentConfig = {
  entra: {
    tenantId: DEMO_TENANT_ID,
    clientId: DEMO_SPA_CLIENT_ID,
    authorityHost: `localhost:${ports.idp}`,
    graphBaseUrl: emulator.graphBaseUrl,
    relayScope: `api://${DEMO_RELAY_CLIENT_ID}/Mail.Send`,
  },
  relayUrl,
  pcscBridgePort: ports.bridge,
  demo: { inboxUrl: smtp.inboxUrl, certificateUrl: `${idpOrigin}/` },
};
const app = serve({
  fetch: createStaticApp('dist', deployment, [idpOrigin, relayUrl]).fetch,
  port: ports.app,
  hostname: HOST,
});

log('');
log('Keyward demo is running. Open this URL in Chrome (accept the local certificate once; see README):');
log(`  ${idpOrigin}/`);
log(`App ${appOrigin}/ · inbox ${smtp.inboxUrl} · relay ${relayUrl} · Entra emulator ${emulator.issuer}`);

async function shutdown(): Promise<void> {
  app.close();
  idp.close();
  await Promise.allSettled([relay.close(), smtp.close(), emulator.close()]);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
