/**
 * Where a secret could end up in the browser or the services, searched after a full flow: IndexedDB (every
 * database and store), localStorage, sessionStorage, Cache Storage (every cached body), the page's HTML,
 * and the services' log file.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { E2E_SERVICE_LOG } from '../../playwright.config';

/** Names of the places in which `secret` was found (empty when nowhere). */
export async function placesHolding(page: Page, secret: string, consoleLines: readonly string[]): Promise<string[]> {
  const inBrowser = await page.evaluate(async (needle) => {
    const found: string[] = [];
    const has = (text: string) => text.includes(needle);
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        if (has(JSON.stringify(all))) found.push(`IndexedDB ${info.name}/${store}`);
      }
      db.close();
    }
    const storage = (s: Storage) =>
      Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i)!)}`).join('\n');
    if (has(storage(localStorage))) found.push('localStorage');
    if (has(storage(sessionStorage))) found.push('sessionStorage');
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        const res = await cache.match(req);
        if (res && has(await res.text())) found.push(`Cache Storage ${name} ${req.url}`);
      }
    }
    if (has(document.documentElement.outerHTML)) found.push('the page');
    return found;
  }, secret);
  if (consoleLines.some((l) => l.includes(secret))) inBrowser.push('the browser console');
  if (readFileSync(E2E_SERVICE_LOG, 'utf8').includes(secret)) inBrowser.push('the relay/emulator logs');
  return inBrowser;
}
