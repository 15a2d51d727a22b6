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
import { registerServiceWorker } from './register-sw';
import './ui/app.css';

const session = new SessionState();
const readers = new ReaderState();
const templates = new ExportTemplatesState();
mount(App, {
  target: document.getElementById('app')!,
  props: { session, router: new RouterState(), network: new NetworkState(), readers, templates, unblock: new UnblockState(session), audit: new AuditState() },
});

void session.init().then(() => readers.start(Boolean(session.deployment?.demo)));
void templates.load();
void registerServiceWorker();
