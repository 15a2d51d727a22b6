/** Entry point: builds the app's state, mounts the shell, and registers the service worker. */
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { SessionState } from './state/session.svelte';
import { RouterState } from './state/router.svelte';
import { NetworkState } from './state/network.svelte';
import { ReaderState } from './state/readers.svelte';
import { ExportTemplatesState } from './state/export-templates.svelte';
import { UnblockState } from './state/unblock.svelte';
import { BatchTapState } from './state/batch-tap.svelte';
import { describeError } from './ui/describe-error';
import { AuditState } from './state/audit.svelte';
import { CardTemplatesState } from './state/card-templates.svelte';
import { SecurityState, StaleTabState } from './state/security.svelte';
import { LifecycleState } from './state/lifecycle.svelte';
import { LegacyUploadState } from './state/legacy-upload.svelte';
import { followRoutes, type AppState } from './state/app-state';
import type { ServicePorts } from './state/lifecycle.svelte';
import { openKeywardDb } from './store/db';
import { RelayTemplateStore } from './workflows/template-store';
import { relayAuditLog, relayCardRegistry } from './workflows/ports';
import { relayCardSecrets } from './workflows/relay-card-secrets';
import { registerServiceWorker } from './register-sw';
import { demoCardSerial } from './demo-card-serial';
import './ui/app.css';

// The first open decides who hears that another tab upgraded the database, so it happens before any other.
const staleTab = new StaleTabState();
openKeywardDb(() => staleTab.markStale()).catch((e: unknown) => {
  // This tab's code is older than the database another tab already upgraded.
  if ((e as { name?: unknown } | null)?.name === 'VersionError') staleTab.markStale();
});

const session = new SessionState();
const readers = new ReaderState();
// The relay as the signed-in caller (null when signed out).
const relay = () => session.operator?.relay() ?? null;
// Published templates: the relay, with this browser's copy when it is unreachable.
const templateStore = new RelayTemplateStore(relay);
// Only administrators edit templates (the relay refuses everyone else anyway).
const isAdministrator = () => session.access.mayAdminister;
// The system of record: the relay's registry and audit trail as the signed-in operator, and its templates.
const servicePorts: ServicePorts = (op) => {
  const endpoint = op.relay();
  return {
    registry: relayCardRegistry(endpoint),
    audit: relayAuditLog(endpoint),
    templates: templateStore,
    secrets: relayCardSecrets(endpoint),
  };
};
const exportTemplates = new ExportTemplatesState(templateStore, isAdministrator);
const cardTemplates = new CardTemplatesState(session, readers, templateStore, isAdministrator);
const app: AppState = {
  session,
  router: new RouterState(),
  network: new NetworkState(),
  readers,
  exportTemplates,
  cardTemplates,
  lifecycle: new LifecycleState(session, readers, servicePorts),
  unblock: new UnblockState(session, servicePorts),
  batchTap: new BatchTapState(session, servicePorts, describeError),
  audit: new AuditState(relay),
  security: new SecurityState(
    templateStore,
    () => {
      void exportTemplates.load();
      void cardTemplates.load();
    },
    relay,
    isAdministrator,
  ),
  staleTab,
  legacyUpload: new LegacyUploadState(relay, templateStore, isAdministrator),
};
followRoutes(app);
// Each sign-in refreshes this browser's copy of the published templates (a failure leaves the copy as it is).
session.onSignedIn(() => void templateStore.refresh().catch(() => undefined));
// An administrator's sign-in offers the one-time upload of what an older Keyward kept in this browser.
session.onSignedIn(() => void app.legacyUpload.check());
mount(App, { target: document.getElementById('app')!, props: { app } });

void session.init().then(() =>
  readers.start({
    demo: Boolean(session.deployment?.demo),
    pcscBridgePort: session.deployment?.pcscBridgePort,
    demoCardSerial: demoCardSerial(),
  }),
);
void registerServiceWorker();
