/**
 * Unmodified browser MSAL v5 against the emulator, in Debian's headless Chromium: loginPopup through the
 * sign-in page, a silent relay token from the refresh token, and a cross-origin Graph `$search` call.
 * The page (msal-fixture/) is built with Vite and served from `http://localhost:<port>`, as the demo
 * serves the app; the emulator's self-signed certificate is accepted with `ignoreHTTPSErrors`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTHENTICATION_ADMINISTRATOR,
  DEMO_RELAY_CLIENT_ID,
  DEMO_SPA_CLIENT_ID,
  DEMO_TENANT_ID,
  ADMINISTRATOR_APP_ROLE,
  OPERATOR_APP_ROLE,
  type EntraEmulator,
} from './index';
import type { FixtureInput } from './msal-fixture/app';
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

async function buildFixture(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'entra-msal-'));
  const root = join(import.meta.dirname, 'msal-fixture');
  await build({
    configFile: false,
    root,
    logLevel: 'silent',
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: { index: join(root, 'index.html'), bridge: join(root, 'auth-redirect.html') } },
    },
  });
  return outDir;
}

function serveStatic(dir: string): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const file = join(dir, path === '/' ? 'index.html' : path);
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
    expect(out.idTokenClaims).toMatchObject({ tid: DEMO_TENANT_ID, ver: '2.0', wids: [AUTHENTICATION_ADMINISTRATOR] });
    expect(claims(out.graphToken)).toMatchObject({ aud: 'https://graph.microsoft.com', iss: emulator.issuer });
    expect(claims(out.relayToken)).toMatchObject({
      aud: DEMO_RELAY_CLIENT_ID,
      scp: 'Mail.Send',
      roles: [OPERATOR_APP_ROLE, ADMINISTRATOR_APP_ROLE],
    });
    expect(out.searchStatus).toBe(200);
    expect(out.searchBody.value.map((u) => u.displayName)).toEqual(['Oscar Ward', 'Wanda Adams', 'Zoe Walsh']);
    await context.close();
  });
});
