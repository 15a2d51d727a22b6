import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { toBase64, toHex } from '../../src/bytes';
import { placesHolding, scanForSecrets, toBase64Url, type ScanSource, type Secret } from './secrecy-scan';
import { indexedDbSource, logLinesSource } from './secrecy-sources';

const PUK: Secret = { name: 'the PUK', value: '73920184' };
const KEY: Secret = { name: 'the management key', value: Uint8Array.from({ length: 24 }, (_, i) => 0xa0 + i) };
const utf8 = (s: string) => new TextEncoder().encode(s);

async function keep(db: string, value: unknown): Promise<void> {
  const open = indexedDB.open(db);
  open.onupgradeneeded = () => open.result.createObjectStore('journal', { autoIncrement: true });
  const conn = await new Promise<IDBDatabase>((resolve) => (open.onsuccess = () => resolve(open.result)));
  await new Promise(
    (resolve) => (conn.transaction('journal', 'readwrite').objectStore('journal').add(value).onsuccess = resolve),
  );
  conn.close();
}

afterEach(async () => {
  for (const { name } of await indexedDB.databases())
    await new Promise((resolve) => (indexedDB.deleteDatabase(name!).onsuccess = resolve));
});

describe('the secrecy scanner', () => {
  it('finds a PUK journalled as bytes, as base64, as an ArrayBuffer, as a number array and inside a larger base64 blob', async () => {
    await keep('as-bytes', { step: 'change-puk', data: utf8('73920184') });
    await keep('as-base64', { step: 'change-puk', data: toBase64(utf8('73920184')) });
    await keep('as-buffer', new Map([['puk', utf8('73920184').buffer]]));
    await keep('as-numbers', { apdu: [0x00, 0x2c, 0x00, 0x80, 0x08, ...utf8('73920184')] });
    await keep('in-a-blob', { blob: toBase64(Uint8Array.from([1, 2, 3, 4, 5, ...utf8('73920184'), 9])) });
    await keep('clean', { step: 'change-puk', data: utf8('12345678') });
    const findings = await scanForSecrets([indexedDbSource()], [PUK]);
    expect(findings.sort()).toEqual(
      ['as-base64', 'as-buffer', 'as-bytes', 'as-numbers', 'in-a-blob'].map(
        (db) => `the PUK in IndexedDB ${db}/journal`,
      ),
    );
  });

  it('finds a byte secret (a key) in hex of either case, base64url and raw bytes in logs', async () => {
    const logs: unknown[] = [
      `key ${toHex(KEY.value as Uint8Array)}`,
      { msg: 'k', k: toHex(KEY.value as Uint8Array, { lower: true }) },
    ];
    const url: unknown[] = [{ jwk: { k: toBase64Url(KEY.value as Uint8Array) } }];
    const raw: unknown[] = [{ witness: KEY.value }];
    const sources = [logLinesSource('hex', logs), logLinesSource('jwk', url), logLinesSource('raw', raw)];
    expect(await scanForSecrets(sources, [KEY])).toEqual([
      'the management key in hex',
      'the management key in jwk',
      'the management key in raw',
    ]);
  });

  it('finds plain text, and nothing in values that do not hold the secret', () => {
    const places = [
      { name: 'plain', values: ['PUK 73920184 set'] },
      { name: 'other', values: [{ pin: '123456', key: toHex(utf8('7392018')), blob: utf8('7392 0184') }] },
    ];
    expect(placesHolding(places, PUK)).toEqual(['plain']);
  });

  it('fails, rather than passing, when a source cannot see its planted canary', async () => {
    const lines: unknown[] = [];
    const sighted = logLinesSource('log', lines);
    const blind: ScanSource = { ...sighted, read: async () => [{ name: 'log', values: [] }] };
    await expect(scanForSecrets([blind], [PUK])).rejects.toThrow(/blind.*log/);
    const idb = indexedDbSource();
    const skipsStores: ScanSource = {
      ...idb,
      read: async () => (await idb.read()).filter((p) => !p.name.endsWith('/bytes')),
    };
    await expect(scanForSecrets([skipsStores], [PUK])).rejects.toThrow(/canary-?.*\/bytes/);
    expect(lines).toEqual([]); // the canary line is taken out again
  });
});
