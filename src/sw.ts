/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell (the list is injected at build time by vite-plugin-pwa's
 * injectManifest) so the installed apps and reloads work offline, and serves navigations from the
 * precached pages: /self-service/… from self-service/index.html (the holder's app), the rest from index.html. The deployment file keyward.config.json is network-first, so a changed setting
 * wins online and the last one seen still starts the app offline.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// The self-service page (its own app, scope /self-service/) from its own precached page.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/self-service/index.html'), { allowlist: [/^\/self-service(\/|$)/] }),
);
// The console for the rest; the redirect bridge must always reach the network-loaded page with its hash.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/auth-redirect\.html/, /^\/self-service(\/|$)/],
  }),
);

registerRoute(
  ({ url, sameOrigin }) => sameOrigin && url.pathname === '/keyward.config.json',
  new NetworkFirst({ cacheName: 'keyward-config' }),
);

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
