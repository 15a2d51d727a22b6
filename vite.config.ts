import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { resolve } from 'node:path';
import { securityHeaders } from './scripts/security-headers';
import { selfServiceManifest } from './scripts/self-service-pwa';

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
        display: 'standalone',
        background_color: '#f6f7f9',
        theme_color: '#1d4ed8',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
    selfServiceManifest(),
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
        // Left to itself the bundler puts modules shared by both apps (tslib's helpers, used by the Graph
        // client) into the certificate library's chunk, which then loads with the first screen. The
        // certificate stack is needed only when a card is issued; tslib is a few hundred bytes.
        codeSplitting: {
          groups: [
            {
              name: 'x509',
              test: /node_modules[\\/](@peculiar|asn1js|pvtsutils|pvutils|reflect-metadata|tsyringe)[\\/]/,
              priority: 1,
            },
            // First, so the certificate group (which takes its dependencies along) leaves tslib to both apps.
            { name: 'tslib', test: /node_modules[\\/]tslib[\\/]/, priority: 2 },
          ],
        },
      },
    },
  },
  server: { headers: securityHeaders({ connectSrc: ['ws:', 'https:', 'http://localhost:*'] }) },
  preview: { headers: securityHeaders({ connectSrc: ['https:', 'http://localhost:*'] }) },
});
