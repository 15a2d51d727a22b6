import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readBridgeKey, writeBridgeKey } from './bridge-pairings';

const URL_A = 'ws://127.0.0.1:35990';
const hmacKey = (extractable: boolean) =>
  crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 256 }, extractable, ['sign', 'verify']);

describe('bridge pairing keys in IndexedDB', () => {
  it('keeps a non-extractable key per bridge address, usable after reading it back', async () => {
    expect(await readBridgeKey(URL_A)).toBeUndefined();
    const key = await hmacKey(false);
    await writeBridgeKey(URL_A, key);
    const back = (await readBridgeKey(URL_A))!;
    expect(back.extractable).toBe(false);
    const data = new TextEncoder().encode('challenge');
    expect(await crypto.subtle.verify('HMAC', back, await crypto.subtle.sign('HMAC', key, data), data)).toBe(true);
    await expect(crypto.subtle.exportKey('raw', back)).rejects.toThrow();
    expect(await readBridgeKey('ws://127.0.0.1:1')).toBeUndefined();
  });

  it('refuses to keep an extractable key', async () => {
    await expect(writeBridgeKey(URL_A, await hmacKey(true))).rejects.toThrow(/non-extractable/);
  });
});
