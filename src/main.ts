/** Entry point: mounts the shell with its state, and registers the service worker. */
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { SessionState } from './state/session.svelte';
import { RouterState } from './state/router.svelte';
import { NetworkState } from './state/network.svelte';
import { registerServiceWorker } from './register-sw';
import './ui/app.css';

mount(App, {
  target: document.getElementById('app')!,
  props: { session: new SessionState(), router: new RouterState(), network: new NetworkState() },
});

void registerServiceWorker();
