/**
 * Scan sources for {@link scanForSecrets} in a Playwright page: IndexedDB (every database and store,
 * keys and structured-clone values), localStorage, sessionStorage, Cache Storage (every entry's URL,
 * headers and body bytes), the page's HTML, the context's cookies (HttpOnly ones too) and the browser
 * console; plus {@link scanPage}, which adds the services' log file and any captured log lines.
 *
 * The in-page functions are serialised by Playwright, so they import nothing and take `BYTES_TAG` as an
 * argument; byte values come back as `{ [BYTES_TAG]: hex }`.
 */
import type { Page } from '@playwright/test';
import { BYTES_TAG, scanForSecrets, toBase64Url, type Place, type ScanSource, type Secret } from './secrecy-scan';
import { logFileSource, logLinesSource } from './secrecy-sources';
import { toHex } from '../../src/bytes';

const CANARY = 'secrecy-scan-canary';

/** Runs in the page: every place the page can keep data in, byte values tagged. */
async function readInPage(tag: string): Promise<Place[]> {
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const plain = async (v: unknown): Promise<unknown> => {
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof ArrayBuffer) return { [tag]: hex(new Uint8Array(v)) };
    if (ArrayBuffer.isView(v)) return { [tag]: hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    if (v instanceof Blob) return { [tag]: hex(new Uint8Array(await v.arrayBuffer())) };
    if (v instanceof CryptoKey) return v.extractable ? crypto.subtle.exportKey('jwk', v) : 'non-extractable key';
    if (v instanceof Date) return v.toISOString();
    if (v instanceof Map) return plain([...v.entries()]);
    if (v instanceof Set) return plain([...v.values()]);
    if (Array.isArray(v)) return Promise.all(v.map(plain));
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) out[k] = await plain(item);
    return out;
  };
  const done = <T>(req: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  const places: Place[] = [];
  for (const { name } of await indexedDB.databases()) {
    const db = await done(indexedDB.open(name!));
    for (const store of Array.from(db.objectStoreNames)) {
      const os = () => db.transaction(store).objectStore(store);
      const values = [await done(os().getAllKeys()), await done(os().getAll())];
      places.push({ name: `IndexedDB ${name}/${store}`, values: [await plain(values)] });
    }
    db.close();
  }
  for (const [name, s] of [
    ['localStorage', localStorage],
    ['sessionStorage', sessionStorage],
  ] as const)
    places.push({ name, values: Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i)!)]) });
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    const values: unknown[] = [];
    for (const req of await cache.keys()) {
      const res = await cache.match(req);
      const body = res ? new Uint8Array(await res.arrayBuffer()) : new Uint8Array();
      values.push(req.url, [...(res?.headers.entries() ?? [])], { [tag]: hex(body) });
    }
    places.push({ name: `Cache Storage ${name}`, values });
  }
  places.push({ name: 'the page', values: [document.documentElement.outerHTML] });
  return places;
}

/** Runs in the page: plants the canary in each in-page place, each in another encoding. */
async function plantInPage([name, value, hexUpper, b64url]: string[]): Promise<string[]> {
  const bytes = new TextEncoder().encode(value);
  const shapes: Record<string, unknown> = {
    bytes,
    buffer: { nested: { key: bytes.slice().buffer } },
    numbers: Array.from(bytes),
    blob: new Blob([bytes]),
    base64: new Map([['k', btoa(value!)]]),
  };
  const open = indexedDB.open(name!);
  open.onupgradeneeded = () => Object.keys(shapes).forEach((s) => open.result.createObjectStore(s));
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  for (const [store, shape] of Object.entries(shapes))
    await new Promise((resolve, reject) => {
      const req = db.transaction(store, 'readwrite').objectStore(store).put(shape, 1);
      req.onsuccess = resolve;
      req.onerror = () => reject(req.error);
    });
  db.close();
  localStorage.setItem(name!, btoa(value!));
  sessionStorage.setItem(name!, hexUpper!);
  await (await caches.open(name!)).put(`/${name}`, new Response(JSON.stringify({ value: b64url })));
  document.body.dataset.secrecyScanCanary = value;
  const stores = Object.keys(shapes).map((s) => `IndexedDB ${name}/${s}`);
  return [...stores, 'localStorage', 'sessionStorage', `Cache Storage ${name}`, 'the page'];
}

/** Runs in the page: undoes {@link plantInPage}. */
async function removeFromPage(name: string): Promise<void> {
  localStorage.removeItem(name);
  sessionStorage.removeItem(name);
  await caches.delete(name);
  delete document.body.dataset.secrecyScanCanary;
  await new Promise((resolve) => (indexedDB.deleteDatabase(name).onsuccess = resolve));
}

/** IndexedDB, Web Storage, Cache Storage and the HTML of `page`. */
export function browserSource(page: Page): ScanSource {
  return {
    read: () => page.evaluate(readInPage, BYTES_TAG),
    async plant(canary) {
      const bytes = new TextEncoder().encode(String(canary.value));
      const args = [CANARY, String(canary.value), toHex(bytes), toBase64Url(bytes)];
      return { places: await page.evaluate(plantInPage, args), remove: () => page.evaluate(removeFromPage, CANARY) };
    },
  };
}

/** The page's cookies, HttpOnly ones included (read from the browser context, not `document.cookie`). */
export function cookieSource(page: Page): ScanSource {
  return {
    read: async () => [{ name: 'cookies', values: await page.context().cookies() }],
    async plant(canary) {
      const value = toHex(new TextEncoder().encode(String(canary.value)), { lower: true });
      await page.context().addCookies([{ name: CANARY, value, url: new URL(page.url()).origin, httpOnly: true }]);
      return { places: ['cookies'], remove: () => page.context().clearCookies({ name: CANARY }) };
    },
  };
}

/** The console lines a fixture captured; the canary is printed by the page itself. */
export function consoleSource(page: Page, lines: string[]): ScanSource {
  const source = logLinesSource('the browser console', lines);
  return {
    read: source.read,
    async plant(canary) {
      await page.evaluate((v) => console.info(`secrecy scan canary ${btoa(v)}`), String(canary.value));
      return { places: ['the browser console'], remove: async () => undefined };
    },
  };
}

/** What {@link scanPage} reads besides the page. */
export interface ScanPageOptions {
  /** The console lines the `consoleLines` fixture captured. */
  consoleLines: string[];
  /** Services' log files by place name (e.g. the relay, demo server and emulator log). */
  logFiles?: Record<string, string>;
  /** Log lines a test captured by place name (e.g. the bridge rig's records). */
  logs?: Record<string, unknown[]>;
}

/** Findings (`"<secret> in <place>"`) for `secrets` in every place the page and the services keep data. */
export async function scanPage(page: Page, secrets: readonly Secret[], options: ScanPageOptions): Promise<string[]> {
  const sources = [browserSource(page), cookieSource(page), consoleSource(page, options.consoleLines)];
  for (const [name, path] of Object.entries(options.logFiles ?? {})) sources.push(logFileSource(name, path));
  for (const [name, lines] of Object.entries(options.logs ?? {})) sources.push(logLinesSource(name, lines));
  return scanForSecrets(sources, secrets);
}
