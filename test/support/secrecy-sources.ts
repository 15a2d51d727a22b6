/**
 * Scan sources for {@link scanForSecrets} outside a page: IndexedDB through the global `indexedDB`
 * (fake-indexeddb in unit tests), log lines a test captured (console spies, the relay's memory sink,
 * the bridge rig), and a service's log file.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { Place, ScanSource } from './secrecy-scan';

const done = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

function openDb(factory: IDBFactory, name: string, stores: readonly string[] = []): Promise<IDBDatabase> {
  const req = factory.open(name);
  req.onupgradeneeded = () => stores.forEach((s) => req.result.createObjectStore(s));
  return done(req);
}

/** Every store of every database, keys and values, as places `IndexedDB <db>/<store>`. */
async function readIndexedDb(factory: IDBFactory): Promise<Place[]> {
  const places: Place[] = [];
  for (const { name } of await factory.databases()) {
    if (!name) continue;
    const db = await openDb(factory, name);
    for (const store of Array.from(db.objectStoreNames)) {
      const tx = db.transaction(store);
      const values = await done(tx.objectStore(store).getAll());
      const keys = await done(tx.objectStore(store).getAllKeys());
      places.push({ name: `IndexedDB ${name}/${store}`, values: [keys, values] });
    }
    db.close();
  }
  return places;
}

const CANARY_DB = 'secrecy-scan-canary';

/**
 * IndexedDB through `factory`. The canary goes into a database of its own in four shapes (UTF-8 bytes in
 * a `Uint8Array`, an `ArrayBuffer` inside an object, a plain array of byte values, base64 text in a
 * `Map`), one store each, and must be found in every one.
 */
export function indexedDbSource(factory: IDBFactory = indexedDB): ScanSource {
  return {
    read: () => readIndexedDb(factory),
    async plant(canary) {
      const bytes = new TextEncoder().encode(String(canary.value));
      const shapes: Record<string, unknown> = {
        bytes,
        buffer: { nested: { key: bytes.slice().buffer } },
        numbers: Array.from(bytes),
        base64: new Map([['k', btoa(String(canary.value))]]),
      };
      const db = await openDb(factory, CANARY_DB, Object.keys(shapes));
      for (const [store, value] of Object.entries(shapes)) {
        const tx = db.transaction(store, 'readwrite');
        await done(tx.objectStore(store).put(value, 1));
      }
      db.close();
      return {
        places: Object.keys(shapes).map((s) => `IndexedDB ${CANARY_DB}/${s}`),
        remove: async () => void (await done(factory.deleteDatabase(CANARY_DB))),
      };
    },
  };
}

/** Log lines (text or structured records) a test captured, as the place `name`; the canary is a line too. */
export function logLinesSource(name: string, lines: unknown[]): ScanSource {
  return {
    read: async () => [{ name, values: [...lines] }],
    async plant(canary) {
      const line = `planted ${String(canary.value)}`;
      lines.push(line);
      return { places: [name], remove: async () => void lines.splice(lines.lastIndexOf(line), 1) };
    },
  };
}

/**
 * A service's log file, as the place `name`. The canary is appended as a log line (and stays: the
 * services keep writing to the file, and a random canary is no secret).
 */
export function logFileSource(name: string, path: string): ScanSource {
  return {
    read: async () => [{ name, values: [readFileSync(path, 'utf8')] }],
    async plant(canary) {
      appendFileSync(path, `${JSON.stringify({ level: 'info', msg: 'secrecy scan canary', value: canary.value })}\n`);
      return { places: [name], remove: async () => undefined };
    },
  };
}
