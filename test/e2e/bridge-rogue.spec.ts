import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { E2E_PORTS } from '../../playwright.config';
import { test, expect } from './fixtures';

/**
 * A program other than the Keyward bridge holds the bridge's port (it started first): it says hello,
 * claims the page is paired, and accepts every request. The operator's browser holds a pairing key
 * (IndexedDB, as a paired browser does) and reconnects at start. The page must send it nothing but the
 * handshake, and say why in words, not "paired".
 */
test('a rogue program on the bridge port gets nothing but the handshake, and the page says why', async ({ page }) => {
  const received: string[] = [];
  const rogue = new WebSocketServer({ port: E2E_PORTS.bridge, host: '127.0.0.1' });
  await new Promise((r) => rogue.once('listening', r));
  rogue.on('connection', (ws) => {
    ws.send(JSON.stringify({ v: 2, event: 'hello', version: 2, paired: true, nonce: '5A'.repeat(32) }));
    ws.on('message', (data) => {
      const r = JSON.parse(String(data)) as { id: number; op: string };
      received.push(r.op);
      const anything = { proof: '5A'.repeat(32), readers: [{ name: 'Rogue reader', present: true }], handle: 1 };
      ws.send(JSON.stringify({ v: 2, id: r.id, ok: true, result: anything }));
    });
  });
  try {
    await page.goto('/#/lifecycle');
    const url = `ws://127.0.0.1:${(rogue.address() as AddressInfo).port}`;
    // What a paired browser holds: a non-extractable pairing key for the bridge, and "reconnect at start".
    await page.evaluate(async (bridgeUrl) => {
      for (let i = 0; i < 100; i++) {
        const dbs = await indexedDB.databases();
        if (dbs.some((d) => d.name === 'keyward' && (d.version ?? 0) >= 5)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
        'sign',
        'verify',
      ]);
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('keyward');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise((resolve, reject) => {
        const tx = db.transaction('bridgePairings', 'readwrite');
        tx.objectStore('bridgePairings').put({ bridgeUrl, key, pairedAt: new Date().toISOString() });
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      localStorage.setItem('keyward.pcscBridge.autoConnect', '1');
    }, url);
    await page.reload();

    const offer = page.locator('details').filter({ hasText: 'Use the Keyward bridge' });
    await expect(offer.getByRole('alert')).toContainText(
      'could not prove it is the Keyward bridge this browser paired with, so Keyward sent it nothing',
    );
    // No bridge reader joins the reader list (they are the ones with a card presence).
    await expect(
      page.getByRole('list', { name: 'Readers' }).getByRole('button', { name: / · (card present|no card)$/ }),
    ).toHaveCount(0);
    await expect(offer.getByText('The bridge sees')).toHaveCount(0);
    await expect(offer.getByLabel('Pairing code')).toHaveCount(0);
    // Asked again by hand, the same answer.
    await offer.getByRole('button', { name: 'Connect to the bridge' }).click();
    await expect(offer.getByRole('alert')).toContainText('could not prove it is the Keyward bridge');
    await expect(page.getByText('Rogue reader')).toHaveCount(0);
    expect(received.length).toBeGreaterThan(0);
    expect(new Set(received)).toEqual(new Set(['auth']));
  } finally {
    for (const c of rogue.clients) c.terminate();
    await new Promise((r) => rogue.close(r));
  }
});
