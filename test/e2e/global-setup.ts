/**
 * Builds the `navigator.usb` shim (usb-shim/entry.ts) into one classic script that Playwright can inject
 * with `addInitScript` before the app loads.
 */
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

export const USB_SHIM_FILE = fileURLToPath(new URL('../../.e2e-build/shim/usb-shim.js', import.meta.url));
/** The `navigator.smartCard` shim (test/e2e/smart-card-shim/entry.ts), built by the set-up. */
export const SMART_CARD_SHIM_FILE = fileURLToPath(
  new URL('../../.e2e-build/smart-card-shim/smart-card-shim.js', import.meta.url),
);

/**
 * Builds `entry` (a path relative to test/e2e/) into `outDir/fileName`: one unminified classic script
 * (IIFE) whose exports land on `window[globalName]`, for a page that loads no modules.
 */
export async function buildTestScript(
  entry: string,
  outDir: string,
  globalName: string,
  fileName: string,
): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: fileURLToPath(new URL(entry, import.meta.url)),
        formats: ['iife'],
        name: globalName,
        fileName: () => fileName,
      },
    },
  });
}

export default async function globalSetup(): Promise<void> {
  await buildTestScript(
    './usb-shim/entry.ts',
    fileURLToPath(new URL('../../.e2e-build/shim', import.meta.url)),
    'keywardUsbShim',
    'usb-shim.js',
  );
  await buildTestScript(
    './smart-card-shim/entry.ts',
    fileURLToPath(new URL('../../.e2e-build/smart-card-shim', import.meta.url)),
    'keywardSmartCardShim',
    'smart-card-shim.js',
  );
}
