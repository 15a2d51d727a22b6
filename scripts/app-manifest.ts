/**
 * What the two installable apps' web app manifests share: the operator console's (vite-plugin-pwa, in
 * vite.config.ts) and the self-service page's (scripts/self-service-pwa.ts). Both install with the same
 * look: display mode, colours and the icons scripts/make-icons.ts draws into public/icons/.
 */
import type { ManifestOptions } from 'vite-plugin-pwa';

/**
 * How an installed Keyward app looks. The icon paths are relative to a manifest at the site root
 * (the console's); a manifest served from elsewhere makes them absolute.
 */
export const APP_APPEARANCE: Pick<ManifestOptions, 'display' | 'background_color' | 'theme_color' | 'icons'> = {
  display: 'standalone',
  background_color: '#f6f7f9',
  theme_color: '#1d4ed8',
  icons: [
    { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};
