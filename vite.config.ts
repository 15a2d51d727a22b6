import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { resolve } from 'node:path';
import { APP_APPEARANCE } from './scripts/app-manifest';
import { securityHeaders } from './scripts/security-headers';
import { selfServiceManifest } from './scripts/self-service-pwa';

/**
 * The head the two apps' pages share, put first in it, so index.html and self-service/index.html hold only
 * their own title and description: the charset, the viewport, and the installed look the manifests take from
 * APP_APPEARANCE (theme colour, icon). The MSAL redirect page is no app and keeps its own head.
 */
function appHead(): Plugin {
  const icon = `/${APP_APPEARANCE.icons[0].src}`;
  return {
    name: 'keyward-app-head',
    transformIndexHtml: (_html, { path }) =>
      path.endsWith('/auth-redirect.html')
        ? []
        : [
            { tag: 'meta', attrs: { charset: 'utf-8' } },
            { tag: 'meta', attrs: { name: 'viewport', content: 'width=device-width, initial-scale=1' } },
            { tag: 'meta', attrs: { name: 'theme-color', content: APP_APPEARANCE.theme_color } },
            { tag: 'link', attrs: { rel: 'icon', href: icon, type: 'image/png' } },
            { tag: 'link', attrs: { rel: 'apple-touch-icon', href: icon } },
          ],
  };
}

/**
 * The PWA build. Three HTML inputs: the operator console, the card holder's self-service page
 * (self-service/index.html, installable on its own: scripts/self-service-pwa.ts), and the MSAL redirect
 * bridge page that both apps' popups and silent iframes land on (MSAL v5 passes the response to the main frame over a BroadcastChannel, which is what
 * lets the app keep COOP `same-origin`).
 *
 * The service worker is ours (`injectManifest`, src/sw.ts) and is registered by src/register-sw.ts, not by
 * the plugin's inline snippet, because the app runs under a Trusted Types CSP (DESIGN.md, "Keep the door
 * to the Isolated Web App open").
 */
export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        globIgnores: ['keyward.config.json'],
      },
      manifest: {
        id: '/',
        name: 'Keyward',
        short_name: 'Keyward',
        description:
          'Issue PIV smart cards and security keys to Entra ID users, with Temporary Access Passes by email.',
        start_url: '/',
        scope: '/',
        ...APP_APPEARANCE,
      },
    }),
    selfServiceManifest(),
    appHead(),
  ],
  build: {
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        selfService: resolve(import.meta.dirname, 'self-service/index.html'),
        authRedirect: resolve(import.meta.dirname, 'auth-redirect.html'),
      },
      output: {
        // Left to itself the bundler puts tslib's helpers (used by the Graph client, which loads with the
        // first screen) into the certificate library's chunk (issuance only), which then loads too.
        codeSplitting: { groups: [{ name: 'tslib', test: /node_modules[\\/]tslib[\\/]/ }] },
      },
    },
  },
  server: { headers: securityHeaders({ connectSrc: ['ws:', 'https:', 'http://localhost:*'] }) },
  preview: { headers: securityHeaders({ connectSrc: ['https:', 'http://localhost:*'] }) },
});
