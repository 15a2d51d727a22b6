/**
 * Builds the `navigator.usb` shim (usb-shim/entry.ts) into one classic script that Playwright can inject
 * with `addInitScript` before the app loads.
 */
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

export const USB_SHIM_FILE = fileURLToPath(new URL('../../.e2e-build/shim/usb-shim.js', import.meta.url));

export default async function globalSetup(): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: fileURLToPath(new URL('../../.e2e-build/shim', import.meta.url)),
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: fileURLToPath(new URL('./usb-shim/entry.ts', import.meta.url)),
        formats: ['iife'],
        name: 'keywardUsbShim',
        fileName: () => 'usb-shim.js',
      },
    },
  });
}
