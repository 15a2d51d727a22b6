/**
 * The self-service page as an installable app of its own (issue 13): a web app manifest whose `id` and
 * `scope` are `/self-service/`, emitted into the build beside the page, and the page's manifest link
 * pointed at it (vite-plugin-pwa links every page to the operator console's manifest).
 */
import type { Plugin } from 'vite';
import { APP_APPEARANCE } from './app-manifest';

/** Where the page lives and its manifest is served. */
export const SELF_SERVICE_PATH = '/self-service/';
const MANIFEST_FILE = 'self-service/manifest.webmanifest';

/** The self-service app's manifest (the console's look and icons, its own id, scope and start URL). */
export const SELF_SERVICE_MANIFEST = {
  id: SELF_SERVICE_PATH,
  name: 'Keyward · My cards',
  short_name: 'My cards',
  description: 'Activate your smart card, get a Temporary Access Pass, unblock your PIN.',
  start_url: SELF_SERVICE_PATH,
  scope: SELF_SERVICE_PATH,
  ...APP_APPEARANCE,
  // The manifest is served from /self-service/, so the icon paths, relative to the root, are made absolute.
  icons: APP_APPEARANCE.icons.map((icon) => ({ ...icon, src: `/${icon.src}` })),
};

/**
 * Emits the manifest and links the self-service page to it instead of the console's. It works on the
 * written page (vite-plugin-pwa adds its link while the bundle is generated), so it runs last.
 */
export function selfServiceManifest(): Plugin {
  return {
    name: 'keyward-self-service-manifest',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        this.emitFile({
          type: 'asset',
          fileName: MANIFEST_FILE,
          source: JSON.stringify(SELF_SERVICE_MANIFEST, null, 2),
        });
        const page = bundle['self-service/index.html'];
        if (page?.type !== 'asset') return;
        const link = `<link rel="manifest" href="/${MANIFEST_FILE}">`;
        const html = String(page.source).replace(/\s*<link rel="manifest" href="[^"]*"\s*\/?>/g, '');
        page.source = html.replace('</head>', `  ${link}\n  </head>`);
      },
    },
  };
}
