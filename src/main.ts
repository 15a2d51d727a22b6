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
import { openKeywardDb } from './store/db';
import { registerServiceWorker } from './register-sw';
import './ui/app.css';

// The first open decides who hears that another tab upgraded the database, so it happens before any other.
const staleTab = new StaleTabState();
openKeywardDb(() => staleTab.markStale()).catch((e: unknown) => {
  // This tab's code is older than the database another tab already upgraded.
  if ((e as { name?: unknown } | null)?.name === 'VersionError') staleTab.markStale();
});

const session = new SessionState();
const readers = new ReaderState();
const templates = new ExportTemplatesState();
const cardTemplates = new CardTemplatesState(session, readers);
const security = new SecurityState(() => {
  void templates.load();
  void cardTemplates.load();
});
mount(App, {
  target: document.getElementById('app')!,
  props: {
    session,
    router: new RouterState(),
    network: new NetworkState(),
    readers,
    templates,
    unblock: new UnblockState(session),
    audit: new AuditState(),
    cardTemplates,
    security,
    staleTab,
  },
});

void session
  .init()
  .then(() =>
    readers.start({ demo: Boolean(session.deployment?.demo), pcscBridgePort: session.deployment?.pcscBridgePort }),
  );
void templates.load();
void registerServiceWorker();
