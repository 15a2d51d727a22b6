/**
 * Unmodified browser MSAL v5 against the emulator, in Debian's headless Chromium: loginPopup through the
 * sign-in page, a silent relay token from the refresh token, and a cross-origin Graph `$search` call.
 * The page (msal-fixture/) and Keyward's own redirect bridge page (auth-redirect.html, where the popup
 * lands) are built with Vite and served from `http://localhost:<port>`, as the demo serves the app; the emulator's self-signed certificate is accepted with `ignoreHTTPSErrors`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RELAY_CLIENT_ID, DEMO_SPA_CLIENT_ID, type EntraEmulator } from './index';
import type { FixtureInput } from './msal-fixture/app';
import { AISHA_ID_CLAIMS, AISHA_RELAY_CLAIMS } from './test-claims';
import { createLocalTls } from '../local-tls';
import { freePort } from '../../test/support/free-port';
import { startTestEntra } from '../../test/support/test-entra';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

let emulator: EntraEmulator & { port: number };
let spa: Server;
let spaOrigin: string;
let browser: Browser;
let builtDir: string | undefined;

/** The repository root: the fixture page and Keyward's own redirect bridge page are built from it. */
const REPO = join(import.meta.dirname, '../..');
const FIXTURE_PAGE = 'demo/entra-emulator/msal-fixture/index.html';

/** Builds the fixture page and Keyward's `auth-redirect.html`, the page MSAL's popup lands on in the app. */
async function buildFixture(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'entra-msal-'));
  await build({
    configFile: false,
    root: REPO,
    publicDir: false,
    logLevel: 'silent',
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: { index: join(REPO, FIXTURE_PAGE), bridge: join(REPO, 'auth-redirect.html') } },
    },
  });
  return outDir;
}

function serveStatic(dir: string): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const file = join(dir, path === '/' ? FIXTURE_PAGE : path);
    if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' })
      .end(readFileSync(file));
  });
}

beforeAll(async () => {
  if (!hasChromium) return;
  const dir = await buildFixture();
  builtDir = dir;
  const spaPort = await freePort();
  spaOrigin = `http://localhost:${spaPort}`;
  spa = serveStatic(dir);
  await new Promise<void>((resolve) => spa.listen(spaPort, '127.0.0.1', resolve));
  emulator = await startTestEntra(await createLocalTls(1), { spaRedirectUris: [`${spaOrigin}/auth-redirect.html`] });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  spa?.close();
  await emulator?.close();
  if (builtDir) await rm(builtDir, { recursive: true, force: true });
});

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe.skipIf(!hasChromium)('browser MSAL v5 (ProtocolMode.OIDC) against the emulator', () => {
  it('signs in with a popup, gets a relay token silently and calls Graph cross-origin', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`${spaOrigin}/`);
    const input: FixtureInput = {
      authority: emulator.issuer,
      knownAuthority: `localhost:${emulator.port}`,
      clientId: DEMO_SPA_CLIENT_ID,
      graphScopes: ['https://graph.microsoft.com/User.Read'],
      relayScopes: [`api://${DEMO_RELAY_CLIENT_ID}/Mail.Send`],
      graphBaseUrl: emulator.graphBaseUrl,
    };
    const popup = context.waitForEvent('page');
    const result = page.evaluate(
      (i) =>
        (window as unknown as { signInAndCall(i: FixtureInput): Promise<Record<string, unknown>> }).signInAndCall(i),
      input,
    );
    await (await popup).getByRole('button', { name: /Aisha/ }).click();
    const out = (await result) as {
      username: string;
      idTokenClaims: Record<string, unknown>;
      graphToken: string;
      relayToken: string;
      searchStatus: number;
      searchBody: { value: { displayName: string }[] };
    };

    expect(out.username).toBe('aisha.operator@contoso.example');
    expect(out.idTokenClaims).toMatchObject(AISHA_ID_CLAIMS);
    expect(claims(out.graphToken)).toMatchObject({ aud: 'https://graph.microsoft.com', iss: emulator.issuer });
    expect(claims(out.relayToken)).toMatchObject(AISHA_RELAY_CLAIMS);
    expect(out.searchStatus).toBe(200);
    expect(out.searchBody.value.map((u) => u.displayName)).toEqual(['Oscar Ward', 'Wanda Adams', 'Zoe Walsh']);
    await context.close();
  });
});
