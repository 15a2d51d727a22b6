import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, E2E_APP_ORIGIN, E2E_IWA_ORIGIN } from '../../playwright.config';
import { iwaManifest } from '../../scripts/iwa/bundle';
import { securityHeaders } from '../../scripts/security-headers';
import { SMART_CARD_SHIM_FILE, USB_SHIM_FILE } from './global-setup';
import { REFUSED_READER } from './fixtures';
import { startHttpsRelayProxy } from './https-relay-proxy';

/**
 * The app as an Isolated Web App in headless Chromium, installed in dev-proxy mode (DESIGN.md "An IWA on
 * Linux here"): the built app (dist/) served on loopback with the IWA manifest of `npm run build:iwa` at
 * /.well-known/ and the required headers, installed with CDP `PWA.install` under a dev-proxy Web Bundle
 * ID, then launched with `PWA.launch`. (The signed bundle itself is checked by scripts/iwa/bundle.test.ts.)
 * The signed bundle could not be installed here (Chromium 156.0.8078.114, headless, same features): CDP
 * `PWA.install` with `installUrlOrBundleUrl: file://…/keyward-0.1.0.swbn` ended the browser process (the
 * call answered "Target page, context or browser has been closed"), and
 * `--install-isolated-web-app-from-file=<swbn>` installed nothing (`PWA.launch` then answered "Failed to
 * launch isolated-app://<id>/").
 *
 * Sign-in runs as in production: Keyward's loopback flow opens the emulator's sign-in page in a browser
 * tab, which redirects to http://localhost:<port>/ served by the app's own Direct Sockets TCPServerSocket.
 *
 * Chromium on Linux has no PC/SC provider behind `navigator.smartCard` (and its renderer did not survive
 * the app's first call here), so the window gets the test shims before it opens: `navigator.smartCard`
 * with a reader holding a YubiKey, and `navigator.usb` with a smart-card-class reader.
 */
const SMART_CARD_READER = 'Yubico YubiKey OTP+FIDO+CCID 00 00';
const DIST = 'dist';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serves dist/ with the IWA manifest and the demo's deployment file (the relay at `relayUrl`); resolves
 * with its origin.
 */
async function serveApp(relayUrl: string): Promise<{ server: Server; url: string; authorityHost: string }> {
  const demoConfig = (await (await fetch(`${E2E_APP_ORIGIN}/keyward.config.json`)).json()) as Record<string, unknown>;
  const config: Record<string, unknown> = { ...demoConfig, relayUrl };
  const pwa = JSON.parse(readFileSync(join(DIST, 'manifest.webmanifest'), 'utf8')) as Record<string, unknown>;
  const manifest = iwaManifest(pwa, { version: '0.1.0', updateManifestUrl: 'https://keyward.invalid/iwa/update.json' });
  // The page reaches what the deployment names (the emulator's authority and Graph, the relay).
  const origins = JSON.stringify(config).match(/https?:\/\/[^"/]+/g) ?? [];
  const headers = securityHeaders({ connectSrc: [...new Set(origins)], frameSrc: [...new Set(origins)] });
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const send = (type: string, body: string | Buffer) =>
      res.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
    if (path === '/.well-known/manifest.webmanifest') return send(TYPES['.webmanifest']!, JSON.stringify(manifest));
    if (path === '/keyward.config.json') return send('application/json', JSON.stringify(config));
    const file = join(DIST, path === '/' ? 'index.html' : path);
    if (!file.startsWith(DIST) || !existsSync(file) || !statSync(file).isFile())
      return res.writeHead(404, headers).end();
    send(TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { authorityHost } = config.entra as { authorityHost: string };
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, authorityHost };
}

test.describe('the installed Isolated Web App (dev-proxy mode)', () => {
  let server: Server;
  let context: BrowserContext;
  let profile: string;
  let app: Page;
  let authorityOrigin: string;
  let relayProxy: Awaited<ReturnType<typeof startHttpsRelayProxy>>;

  test.beforeAll(async () => {
    const { relayUrl } = (await (await fetch(`${E2E_APP_ORIGIN}/keyward.config.json`)).json()) as { relayUrl: string };
    relayProxy = await startHttpsRelayProxy(relayUrl);
    const served = await serveApp(relayProxy.url);
    server = served.server;
    authorityOrigin = `https://${served.authorityHost}`;
    profile = mkdtempSync(join(tmpdir(), 'keyward-iwa-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      ignoreHTTPSErrors: true,
      args: [...CHROMIUM_ARGS, '--enable-features=IsolatedWebApps,IsolatedWebAppDevMode,SmartCard'],
    });
    await context.addInitScript((c) => {
      (window as unknown as { __keywardUsbShim: unknown }).__keywardUsbShim = c;
      (window as unknown as { __keywardSmartCardShim: unknown }).__keywardSmartCardShim = {
        reader: 'Yubico YubiKey OTP+FIDO+CCID 00 00',
        card: 'yubikey-5.7',
      };
    }, REFUSED_READER);
    await context.addInitScript({ path: USB_SHIM_FILE });
    await context.addInitScript({ path: SMART_CARD_SHIM_FILE });
    const cdp = await context.browser()!.newBrowserCDPSession();
    // The run's id, which the relay and the emulated Graph were told (KEYWARD_IWA_ORIGIN).
    const manifestId = `${E2E_IWA_ORIGIN}/`;
    await cdp.send('PWA.install', { manifestId, installUrlOrBundleUrl: served.url });
    const opened = context.waitForEvent('page', (p) => p.url().startsWith(manifestId));
    await cdp.send('PWA.launch', { manifestId });
    app = await opened;
  });
  test.afterAll(async () => {
    await context?.close();
    server?.close();
    await relayProxy?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('runs isolated with usb-unrestricted and smart-card allowed', async () => {
    await app.waitForLoadState();
    const facts = await app.evaluate(() => {
      const policy = (document as Document & { featurePolicy: { allowsFeature(f: string): boolean } }).featurePolicy;
      return {
        crossOriginIsolated,
        webSmartCardApi: 'SmartCardResourceManager' in window,
        usbUnrestricted: policy.allowsFeature('usb-unrestricted'),
        smartCard: policy.allowsFeature('smart-card'),
      };
    });
    expect(facts).toEqual({ crossOriginIsolated: true, webSmartCardApi: true, usbUnrestricted: true, smartCard: true });
  });

  test('offers the Web Smart Card reader, and a smart-card-class USB reader without the refusal', async () => {
    const readers = app.getByRole('list', { name: 'Readers' });
    await readers.getByRole('button', { name: `${SMART_CARD_READER} · card present` }).click();
    await expect(app.getByRole('heading', { name: SMART_CARD_READER })).toBeVisible();
    await expect(app.getByRole('definition').filter({ hasText: 'smart-card service (Web Smart Card)' })).toBeVisible();
    await expect(app.getByTestId('atr')).toHaveText(/^3B/);

    await app.getByRole('button', { name: 'Add a USB reader…' }).click();
    await expect(app.getByTestId('card-presence')).toHaveText('Card present');
    await expect(app.getByRole('definition').filter({ hasText: 'smart card (0x0B)' })).toBeVisible();
    await expect(app.getByRole('alert')).toHaveCount(0);
  });

  test("an operator signs in by the loopback flow: a browser tab, then the app's own TCPServerSocket", async () => {
    const sockets = await app.evaluate(() => ({
      tcpServerSocket: 'TCPServerSocket' in window,
      directSockets: (
        document as Document & { featurePolicy: { allowsFeature(f: string): boolean } }
      ).featurePolicy.allowsFeature('direct-sockets'),
    }));
    expect(sockets).toEqual({ tcpServerSocket: true, directSockets: true });

    const opened = context.waitForEvent('page');
    await app.getByRole('button', { name: 'Sign in' }).click();
    const tab = await opened;
    await tab.waitForURL((u) => u.origin === authorityOrigin);
    await tab.getByRole('button', { name: /Aisha Operator/ }).click();
    // The emulator redirects the tab to the loopback address, which the app itself answers.
    await expect(tab.getByRole('heading', { name: 'Signed in' })).toBeVisible();
    expect(new URL(tab.url()).origin).toMatch(/^http:\/\/localhost:\d+$/);
    expect(new URL(tab.url()).searchParams.has('code')).toBe(true);

    await expect(app.getByTestId('operator')).toContainText('Aisha Operator');
    await expect(app.getByTestId('operator-roles')).toHaveText(
      'Authentication Administrator, Keyward.Operator, Keyward.Administrator',
    );
    // The relay took the token from the app's isolated-app:// origin (the Keyward roles above are its answer).
    await expect(app.getByTestId('operator-problems')).toHaveCount(0);
  });
});
