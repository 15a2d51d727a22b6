/**
 * What the bridge's own checks do where the real path (bridge-security.test.ts: pcscd, vpcd) cannot reach:
 * a request arriving between `--revoke` and the next presence poll, and a reader whose feature list is
 * longer than the bridge passes on. The bridge runs in process (bridge/server.ts) with its poll set to a
 * minute, so only each request's own check can act; the PC/SC service is faked at the OS boundary with
 * one reader holding a virtual PIV card, and counts what reaches the card. A revocation is what `--revoke`
 * does from its own process: another `PairingStore` rewrites the pairing file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMemorySink } from '../../relay/log';
import { scardCtlCode } from '../../bridge/card-access';
import { PairingStore } from '../../bridge/pairings';
import type { PcscService } from '../../bridge/pcsc';
import { startBridgeServer, type BridgeServer } from '../../bridge/server';
import { toHex } from '../../src/bytes';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { CONTROL_GET_FEATURE_REQUEST, CONTROL_MAX_RESPONSE_BYTES } from '../../src/transport/pcsc-bridge-protocol';
import { APP_ORIGIN, pairedInProcess } from './bridge-rig';

const READER = 'Virtual PC/SC reader 00 00';
const SELECT_PIV = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08);

/** The reader's answer to GET_FEATURE_REQUEST: set by a test, none (the control fails) by default. */
let features: Uint8Array | null = null;
/** APDUs the card received. */
let commands = 0;

/** A PC/SC service with one reader holding a virtual card (see the file comment). */
function oneCardService(): PcscService {
  const card = createVirtualPivCard({ profile: 'yubikey-5.7' });
  return {
    listReaders: () => [{ name: READER, present: true, atr: toHex(card.atr) }],
    close: () => undefined,
    connect: async () => ({
      atr: card.atr,
      protocol: 'T=1',
      transmit: (apdu) => ((commands += 1), card.handleApdu(apdu)),
      control: async (code) => {
        if (code !== scardCtlCode(CONTROL_GET_FEATURE_REQUEST) || !features) throw new Error('unsupported control');
        return features;
      },
      exclusive: async () => undefined,
      disconnect: () => undefined,
    }),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'keyward-bridge-in-process-'));
const file = join(dir, 'pairings.json');
const { sink, records } = createMemorySink();
const codes: string[] = [];
let server: BridgeServer;
beforeAll(async () => {
  server = await startBridgeServer({
    port: 0,
    allowedOrigins: [APP_ORIGIN],
    pairings: new PairingStore(file),
    pcsc: oneCardService,
    logger: createLogger({ sink }),
    showPairingCode: (_, code) => codes.push(code),
    pollMs: 60_000,
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A page paired with the bridge afresh (a new browser profile, so a new key). */
const pairedPage = () => pairedInProcess(server.port, codes);

describe('a revoked pairing', () => {
  it('refuses the next request at once, before any poll, and then closes the connection', async () => {
    const client = await pairedPage();
    const card = await client.connectCard(READER);
    expect(toHex((await card.transmit(SELECT_PIV)).slice(-2))).toBe('9000');
    const closed = new Promise<void>((r) => client.onClose(r));

    expect(new PairingStore(file).revoke(APP_ORIGIN)).toBe(true);
    const before = commands;
    await expect(card.transmit(SELECT_PIV)).rejects.toMatchObject({ code: 'NOT_PAIRED' });
    expect(commands).toBe(before);
    const timeout = new Promise((r) => setTimeout(() => r('still open after 2 s'), 2000));
    expect(await Promise.race([closed.then(() => 'closed'), timeout])).toBe('closed');
    expect(records).toContainEqual(
      expect.objectContaining({ msg: 'bridge connection closed: pairing revoked', origin: APP_ORIGIN }),
    );
  });
});

describe('reader control', () => {
  it(`passes on a feature list of at most ${CONTROL_MAX_RESPONSE_BYTES} bytes, and refuses a longer one`, async () => {
    const client = await pairedPage();
    const card = await client.connectCard(READER);
    features = new Uint8Array(CONTROL_MAX_RESPONSE_BYTES).fill(0x12);
    expect(await card.control(CONTROL_GET_FEATURE_REQUEST)).toEqual(features);
    features = new Uint8Array(CONTROL_MAX_RESPONSE_BYTES + 1).fill(0x12);
    await expect(card.control(CONTROL_GET_FEATURE_REQUEST)).rejects.toMatchObject({ code: 'CONTROL_REFUSED' });
    await card.close();
    client.close();
  });
});
