/**
 * The real path for bridge tests: the bridge (relay/bridge/) on a free loopback port → the `smartcard`
 * addon → pcscd → vsmartcard-vpcd → the virtual PIV card, via scripts/vpcd-harness.ts (whose lock keeps
 * this from colliding with test/interop). Clients are the page's adapter (src/transport/pcsc-bridge.ts)
 * over `ws`, which, unlike a browser, lets a test choose the Origin and Host headers an attacker could.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startPcscHarness, type PcscHarness } from '../../scripts/vpcd-harness.js';
import { createLogger, createMemorySink } from '../../relay/log.js';
import { PairingStore } from '../../relay/bridge/access.js';
import { openPcsc } from '../../relay/bridge/pcsc.js';
import { startBridgeServer, type BridgeServer } from '../../relay/bridge/server.js';
import { PcscBridgeClient, type WebSocketLike } from '../../src/transport/pcsc-bridge.js';
import type { PivCardProfileName } from '../../src/transport/simulator/piv-card/virtual-piv-card.js';

/** The page origin the tests' bridge allows. */
export const APP_ORIGIN = 'http://localhost:18080';

/** A running bridge over a running harness. */
export interface BridgeRig {
  readonly harness: PcscHarness;
  readonly bridge: BridgeServer;
  readonly url: string;
  /** Pairing codes the bridge "printed", newest last. */
  readonly codes: { origin: string; code: string }[];
  /** Every log record the bridge wrote. */
  readonly logs: Record<string, unknown>[];
  readonly pairings: PairingStore;
  /** Opens a client with the given headers (Origin omitted when null). */
  open(origin: string | null, headers?: Record<string, string>): Promise<PcscBridgeClient>;
  /** Opens a client for APP_ORIGIN and pairs it with the printed code. */
  openPaired(): Promise<PcscBridgeClient>;
  /** APDUs the card has answered so far. */
  commandCount(): number;
  stop(): Promise<void>;
}

/** A `ws` socket with chosen headers, shaped like the browser's `WebSocket`. */
export function openWs(url: string, origin: string | null, headers: Record<string, string> = {}): WebSocketLike {
  return new WebSocket(url, { headers: { ...(origin === null ? {} : { Origin: origin }), ...headers } }) as unknown as WebSocketLike;
}

/** Starts the harness with `profile` and a bridge in front of it. */
export async function startBridgeRig(profile: PivCardProfileName, options: { rateLimit?: number } = {}): Promise<BridgeRig> {
  const harness = await startPcscHarness(profile);
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bridge-test-'));
  const { sink, records } = createMemorySink();
  const codes: { origin: string; code: string }[] = [];
  const pairings = new PairingStore(join(dir, 'pairings.json'));
  const bridge = await startBridgeServer({
    port: 0,
    allowedOrigins: [APP_ORIGIN],
    pairings,
    pcsc: () => openPcsc(),
    logger: createLogger({ sink }),
    showPairingCode: (origin, code) => codes.push({ origin, code }),
    pollMs: 100,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  const url = `ws://127.0.0.1:${bridge.port}`;
  const open = (origin: string | null, headers: Record<string, string> = {}) => PcscBridgeClient.connect({ url, open: (u) => openWs(u, origin, headers) });
  return {
    harness,
    bridge,
    url,
    codes,
    logs: records,
    pairings,
    open,
    async openPaired() {
      const client = await open(APP_ORIGIN);
      if (!client.paired) await client.pair(codes.filter((c) => c.origin === APP_ORIGIN).at(-1)!.code);
      return client;
    },
    commandCount: () => harness.card.log.filter((e) => e.direction === 'command').length,
    async stop() {
      await bridge.close();
      await harness.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `check` holds, polling every 50 ms (throws after `ms`). */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
