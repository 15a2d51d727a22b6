import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { toHex } from '../../src/bytes';
import { startBridgeRig, type BridgeRig } from '../bridge/bridge-rig';
import { buildTestScript } from './global-setup';

/**
 * The PIV suite in Chromium through the local PC/SC bridge: page (PivSession → the bridge adapter →
 * WebSocket) → bridge process → pcscd → vsmartcard-vpcd → the virtual YubiKey 5.7 answering from this
 * test process (scripts/vpcd-harness.ts, whose lock keeps pcscd to one user).
 *
 * The page is a Vite-built test bundle served from its own loopback origin by a tiny server here: a
 * `page.route`-fulfilled page has no address, so Chrome's Local Network Access treats it as public and
 * refuses the loopback WebSocket, and the demo server's CSP does not list the bridge
 * (scripts/security-headers.ts takes `pcscBridgePort` for deployments that use it).
 */
const BUNDLE_DIR = fileURLToPath(new URL('../../.e2e-build/bridge-page', import.meta.url));

/** Serves the page on a free loopback port; resolves with the server and its origin. */
function servePage(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/bridge-page.js')
      return void res
        .writeHead(200, { 'Content-Type': 'text/javascript' })
        .end(readFileSync(`${BUNDLE_DIR}/bridge-page.js`));
    res
      .writeHead(200, { 'Content-Type': 'text/html' })
      .end('<!doctype html><title>bridge test</title><script src="/bridge-page.js"></script>');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://localhost:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

test.describe('PC/SC bridge', () => {
  let rig: BridgeRig;
  let server: Server;
  let pageOrigin: string;
  test.beforeAll(async () => {
    test.setTimeout(300_000);
    await buildTestScript('./bridge-page/entry.ts', BUNDLE_DIR, 'keywardBridgeTest', 'bridge-page.js');
    ({ server, origin: pageOrigin } = await servePage());
    rig = await startBridgeRig('yubikey-5.7', [pageOrigin]);
  });
  test.afterAll(async () => {
    await rig?.stop();
    server?.close();
  });

  test('runs select, verify, change PIN, key generation, signing and a certificate through the bridge', async ({
    page,
  }) => {
    await page.goto(`${pageOrigin}/`);

    // The page connects first and asks for a code; the bridge then prints the code the operator would type.
    const connect = page.evaluate(
      (url) =>
        new Promise<boolean | string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onmessage = (e) => {
            const m = JSON.parse(String(e.data)) as { event?: string; ok?: boolean };
            if (m.event === 'hello') ws.send(JSON.stringify({ v: 2, id: 1, op: 'offer' }));
            else resolve(m.ok === true);
          };
          ws.onclose = (e) => resolve(`closed ${e.code}`);
        }),
      rig.url,
    );
    expect(await connect, JSON.stringify(rig.logs)).toBe(true);
    await expect.poll(() => rig.codes.some((c) => c.origin === pageOrigin)).toBe(true);
    const code = rig.codes.find((c) => c.origin === pageOrigin)!.code;

    const report = await page.evaluate(
      ([url, c, reader]) =>
        (
          window as unknown as { keywardBridgeTest: { runPivSuite(u: string, c: string, r: string): Promise<unknown> } }
        ).keywardBridgeTest.runPivSuite(url, c, reader),
      [rig.url, code, rig.harness.reader] as const,
    );
    expect(report).toEqual({
      pairedBefore: false,
      readers: [rig.harness.reader],
      atr: toHex(rig.harness.card.atr),
      wrongPinRetries: 2,
      signatureValid: true,
      certificateRoundTrip: true,
    });
    expect(rig.harness.card.log.filter((e) => e.direction === 'command').length).toBeGreaterThan(10);
  });
});
