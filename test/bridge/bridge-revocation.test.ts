/**
 * A revoked pairing stops the next request at once, not at the bridge's next presence poll. The bridge
 * runs in process (bridge/server.ts) with its poll set to a minute, so only each request's own check can
 * act; the PC/SC service is faked at the OS boundary with one reader holding a virtual PIV card, and
 * counts what reaches the card. The revocation is what `--revoke` does from its own process: another
 * `PairingStore` rewrites the pairing file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, createMemorySink } from '../../relay/log';
import { PairingStore } from '../../bridge/pairings';
import type { PcscService } from '../../bridge/pcsc';
import { startBridgeServer } from '../../bridge/server';
import { toHex } from '../../src/bytes';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { PcscBridgeClient } from '../../src/transport/pcsc-bridge';
import { APP_ORIGIN, BrowserKeys, openWs } from './bridge-rig';

const READER = 'Virtual PC/SC reader 00 00';
const SELECT_PIV = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08);

/** A PC/SC service with one reader holding a virtual card; `commands` counts the APDUs the card received. */
function oneCardService() {
  const card = createVirtualPivCard({ profile: 'yubikey-5.7' });
  const seen = { commands: 0 };
  const service: PcscService = {
    listReaders: () => [{ name: READER, present: true, atr: toHex(card.atr) }],
    close: () => undefined,
    connect: async () => ({
      atr: card.atr,
      protocol: 'T=1',
      transmit: (apdu) => ((seen.commands += 1), card.handleApdu(apdu)),
      control: async () => {
        throw new Error('no reader features');
      },
      exclusive: async () => undefined,
      disconnect: () => undefined,
    }),
  };
  return { service, seen };
}

describe('a revoked pairing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bridge-revocation-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses the next request at once, before any poll, and then closes the connection', async () => {
    const file = join(dir, 'pairings.json');
    const { sink, records } = createMemorySink();
    const codes: string[] = [];
    const { service, seen } = oneCardService();
    const server = await startBridgeServer({
      port: 0,
      allowedOrigins: [APP_ORIGIN],
      pairings: new PairingStore(file),
      pcsc: () => service,
      logger: createLogger({ sink }),
      showPairingCode: (_, code) => codes.push(code),
      pollMs: 60_000,
    });
    try {
      const client = await PcscBridgeClient.connect({
        url: `ws://127.0.0.1:${server.port}`,
        open: (u) => openWs(u, APP_ORIGIN),
        keys: new BrowserKeys().of(APP_ORIGIN),
        origin: APP_ORIGIN,
      });
      await client.requestCode();
      await client.pair(codes.at(-1)!);
      const card = await client.connectCard(READER);
      expect(toHex((await card.transmit(SELECT_PIV)).slice(-2))).toBe('9000');
      const closed = new Promise<void>((r) => client.onClose(r));

      expect(new PairingStore(file).revoke(APP_ORIGIN)).toBe(true);
      const before = seen.commands;
      await expect(card.transmit(SELECT_PIV)).rejects.toMatchObject({ code: 'NOT_PAIRED' });
      expect(seen.commands).toBe(before);
      const timeout = new Promise((r) => setTimeout(() => r('still open after 2 s'), 2000));
      expect(await Promise.race([closed.then(() => 'closed'), timeout])).toBe('closed');
      expect(records).toContainEqual(
        expect.objectContaining({ msg: 'bridge connection closed: pairing revoked', origin: APP_ORIGIN }),
      );
    } finally {
      await server.close();
    }
  });
});
