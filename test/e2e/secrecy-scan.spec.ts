/**
 * The secrecy scanner in a real browser: a PUK planted the ways a careless change would keep it is
 * found in each place, and the scan refuses to pass when it cannot see a place.
 */
import { test, expect, SERVICE_LOGS } from './fixtures';
import { browserSource, scanPage } from '../support/secrecy-page';
import { scanForSecrets } from '../support/secrecy-scan';

const PUK = { name: 'the PUK', value: '58203971' };

test('finds a planted PUK stored as bytes in IndexedDB, as base64 in localStorage and in a Cache Storage entry', async ({
  page,
  consoleLines,
}) => {
  await page.goto('/');
  const clean = await scanPage(page, [PUK], { consoleLines, logFiles: SERVICE_LOGS });
  expect(clean).toEqual([]);
  await page.evaluate(async (puk) => {
    const bytes = new TextEncoder().encode(puk);
    const open = indexedDB.open('careless');
    open.onupgradeneeded = () => open.result.createObjectStore('journal');
    const db = await new Promise<IDBDatabase>((resolve) => (open.onsuccess = () => resolve(open.result)));
    const put = db.transaction('journal', 'readwrite').objectStore('journal').put({ step: 'set-puk', puk: bytes }, 1);
    await new Promise((resolve) => (put.onsuccess = resolve));
    db.close();
    localStorage.setItem('careless', JSON.stringify({ puk: btoa(puk) }));
    await (await caches.open('careless')).put('/careless', new Response(`PUK ${puk}`));
  }, PUK.value);
  expect((await scanPage(page, [PUK], { consoleLines, logFiles: SERVICE_LOGS })).sort()).toEqual([
    'the PUK in Cache Storage careless',
    'the PUK in IndexedDB careless/journal',
    'the PUK in localStorage',
  ]);
});

test('a scan that cannot read Cache Storage fails instead of passing', async ({ page }) => {
  await page.goto('/');
  const source = browserSource(page);
  const noCaches = { ...source, read: async () => (await source.read()).filter((p) => !p.name.startsWith('Cache')) };
  await expect(scanForSecrets([noCaches], [PUK])).rejects.toThrow(/blind.*Cache Storage/);
});
