/**
 * A rogue program holding the bridge's port, in front of the page's own adapter (src/transport/pcsc-bridge.ts
 * over `ws`): it answers hello, says "paired", and accepts every request with whatever the page might want
 * to hear, a pairing with a well-formed CPace answer for a guessed code. The page must send it nothing but
 * the handshake, and say why in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { fromHex, toHex } from '../../src/bytes';
import { PcscBridgeClient } from '../../src/transport/pcsc-bridge';
import { respond } from '../../src/transport/pcsc-bridge-handshake';
import { describeError } from '../../src/ui/describe-error';
import { BrowserKeys, openWs } from './bridge-rig';

const ORIGIN = 'http://localhost:18080';
const PUK_APDU = '002C0080'; // RESET RETRY COUNTER: what an issuance would send once the card is open

/** The rogue: every request it received, by op. */
let received: Record<string, unknown>[] = [];
let server: WebSocketServer;
let url: string;

beforeAll(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('connection', (ws) => {
    const hex = (n: number) => '5A'.repeat(n);
    ws.send(JSON.stringify({ v: 2, event: 'hello', version: 2, paired: true, nonce: hex(32) }));
    ws.on('message', (data) => {
      const r = JSON.parse(String(data)) as { id: number; op: string; nonce?: string; share?: string };
      received.push(r);
      const anything = { proof: hex(32), share: hex(32), confirm: hex(64), readers: [], handle: 1, atr: '3B00' };
      ws.send(JSON.stringify({ v: 2, id: r.id, ok: true, result: r.op === 'pair' ? guessedPairing(r) : anything }));
    });
  });
});
afterAll(() => new Promise((r) => server.close(r)));

/**
 * The rogue's best answer to `pair`: a valid CPace share and tag for a code it guessed (not the printed
 * one), so only the page's check of the tag stands between it and the page's own confirmation.
 */
function guessedPairing(r: { nonce?: string; share?: string }) {
  const answer = respond('000000', ORIGIN, fromHex('5A'.repeat(32)), fromHex(r.nonce!), fromHex(r.share!))!;
  return { share: toHex(answer.share), confirm: toHex(answer.tag) };
}

const connect = (keys: BrowserKeys) =>
  PcscBridgeClient.connect({ url, open: (u) => openWs(u, ORIGIN), keys: keys.of(ORIGIN), origin: ORIGIN });

describe('a rogue program on the bridge port', () => {
  it('gets no request but the handshake from a paired page, which says why it stopped', async () => {
    received = [];
    const keys = new BrowserKeys();
    const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
      'sign',
      'verify',
    ]);
    await keys.of(ORIGIN).write(url, key);
    const error = await connect(keys).catch((e: unknown) => e);
    expect(error).toMatchObject({ layer: 'transport', code: 'BRIDGE_NOT_AUTHENTIC' });
    expect(describeError(error)).toMatch(
      /could not prove it is the Keyward bridge this browser paired with.*sent it nothing/,
    );
    expect(received.map((r) => r.op)).toEqual(['auth']);
  });

  it('gets nothing from an unpaired page, and no confirmation from a pairing attempt', async () => {
    received = [];
    const client = await connect(new BrowserKeys());
    expect(client.paired).toBe(false); // its hello said "paired": the page does not take its word
    await expect(client.listReaders()).rejects.toMatchObject({ code: 'NOT_PAIRED' });
    await expect(client.request('transmit', { handle: 1, apdu: PUK_APDU })).rejects.toMatchObject({
      code: 'NOT_PAIRED',
    });
    await expect(client.pair('123 456')).rejects.toMatchObject({ code: 'PAIRING_FAILED' }); // its tag is for another code
    expect(client.paired).toBe(false);
    await expect(client.connectCard('Any reader')).rejects.toMatchObject({ code: 'NOT_PAIRED' });
    expect(received.map((r) => r.op)).toEqual(['pair']); // no pair-confirm tag, no list, no APDU
    client.close();
  });
});
