/** Entry point: builds the app's state, mounts the shell, and registers the service worker. */
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { SessionState } from './state/session.svelte';
import { RouterState } from './state/router.svelte';
import { NetworkState } from './state/network.svelte';
import { ReaderState } from './state/readers.svelte';
import { ExportTemplatesState } from './state/export-templates.svelte';
import { UnblockState } from './state/unblock.svelte';
import { AuditState } from './state/audit.svelte';
import { CardTemplatesState } from './state/card-templates.svelte';
import { SecurityState, StaleTabState } from './state/security.svelte';
import { LifecycleState } from './state/lifecycle.svelte';
import { followRoutes, type AppState } from './state/app-state';
import type { ServicePorts } from './state/lifecycle.svelte';
import { openKeywardDb } from './store/db';
import { onlineTemplateStore } from './workflows/online-templates';
import { relayAuditLog, relayCardRegistry } from './workflows/ports';
import { registerServiceWorker } from './register-sw';
import './ui/app.css';

// The first open decides who hears that another tab upgraded the database, so it happens before any other.
const staleTab = new StaleTabState();
openKeywardDb(() => staleTab.markStale()).catch((e: unknown) => {
  // This tab's code is older than the database another tab already upgraded.
  if ((e as { name?: unknown } | null)?.name === 'VersionError') staleTab.markStale();
});

// The system of record: the relay's registry, audit trail and published templates, as the signed-in operator.
const servicePorts: ServicePorts = (op) => {
  const relay = op.relay();
  return { registry: relayCardRegistry(relay), audit: relayAuditLog(relay), templates: onlineTemplateStore(relay) };
};

/** The demo only: `?demo-card-serial=N` numbers the virtual reader's cards from N (two windows, one card). */
function demoCardSerial(): number | undefined {
  const n = Number(new URLSearchParams(location.search).get('demo-card-serial'));
  return Number.isSafeInteger(n) && n > 0 && n < 2 ** 32 ? n : undefined;
}

const session = new SessionState();
const readers = new ReaderState();
const exportTemplates = new ExportTemplatesState();
const cardTemplates = new CardTemplatesState(session, readers);
const app: AppState = {
  session,
  router: new RouterState(),
  network: new NetworkState(),
  readers,
  exportTemplates,
  cardTemplates,
  lifecycle: new LifecycleState(session, readers, servicePorts),
  unblock: new UnblockState(session, servicePorts),
  audit: new AuditState(),
  security: new SecurityState(() => {
    void exportTemplates.load();
    void cardTemplates.load();
  }),
  staleTab,
};
followRoutes(app);
mount(App, { target: document.getElementById('app')!, props: { app } });

void session.init().then(() =>
  readers.start({
    demo: Boolean(session.deployment?.demo),
    pcscBridgePort: session.deployment?.pcscBridgePort,
    demoCardSerial: demoCardSerial(),
  }),
);
void exportTemplates.load();
void registerServiceWorker();
