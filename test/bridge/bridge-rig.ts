/**
 * The real path for bridge tests: the bridge (relay/bridge/main.ts, its own process as on an operator's
 * laptop) → the `smartcard` addon → pcscd → vsmartcard-vpcd → the virtual PIV card, via
 * scripts/vpcd-harness.ts (whose lock keeps this from colliding with test/interop). The card answers
 * vpcd from this process, so the bridge must not share it: a PC/SC call that waits for the card would
 * otherwise wait for the very event loop it blocks. Clients are the page's adapter
 * (src/transport/pcsc-bridge.ts) over `ws`, which, unlike a browser, lets a test choose the Origin and
 * Host headers an attacker could.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startPcscHarness, type PcscHarness } from '../../scripts/vpcd-harness.js';
import { PcscBridgeClient, type WebSocketLike } from '../../src/transport/pcsc-bridge.js';
import type { PivCardProfileName } from '../../src/transport/simulator/piv-card/virtual-piv-card.js';

/** The page origins the tests' bridge allows. */
export const APP_ORIGIN = 'http://localhost:18080';
export const OTHER_ORIGIN = 'http://127.0.0.1:18080';

/** A running bridge over a running harness. */
export interface BridgeRig {
  readonly harness: PcscHarness;
  readonly bridge: ChildProcess;
  readonly url: string;
  /** Pairing codes the bridge "printed", newest last. */
  readonly codes: { origin: string; code: string }[];
  /** Every log record the bridge wrote. */
  readonly logs: Record<string, unknown>[];
  readonly pairingFile: string;
  /** Opens a client with the given headers (Origin omitted when null). */
  open(origin: string | null, headers?: Record<string, string>): Promise<PcscBridgeClient>;
  /** Opens a client for `origin` (APP_ORIGIN by default) and pairs it with the printed code. */
  openPaired(origin?: string): Promise<PcscBridgeClient>;
  /** APDUs the card has answered so far. */
  commandCount(): number;
  stop(): Promise<void>;
}

/** A `ws` socket with chosen headers, shaped like the browser's `WebSocket`. */
export function openWs(url: string, origin: string | null, headers: Record<string, string> = {}): WebSocketLike {
  return new WebSocket(url, { headers: { ...(origin === null ? {} : { Origin: origin }), ...headers } }) as unknown as WebSocketLike;
}

/** Starts the bridge process; resolves with its port once it listens. */
function spawnBridge(origins: readonly string[], pairingFile: string, logs: Record<string, unknown>[], codes: { origin: string; code: string }[]): Promise<{ child: ChildProcess; port: number }> {
  const allow = origins.flatMap((o) => ['--origin', o]);
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/bridge/main.ts', ...allow, '--port', '0', '--pairings-file', pairingFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Uint8Array) => {
    out += new TextDecoder().decode(d);
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Uint8Array) => {
      err += new TextDecoder().decode(d);
      for (const m of err.matchAll(/Pairing code for (\S+):\s+(\d{3}) (\d{3})/g)) if (!codes.some((c) => c.code === m[2]! + m[3]!)) codes.push({ origin: m[1]!, code: m[2]! + m[3]! });
      const port = /on ws:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (port) resolve({ child, port: Number(port[1]) });
    });
    child.once('exit', (code) => reject(new Error(`the bridge exited (${code}): ${err}`)));
  });
}

/** Starts the harness with `profile` and a bridge process in front of it, allowing `origins`. */
export async function startBridgeRig(profile: PivCardProfileName, origins: readonly string[] = [APP_ORIGIN, OTHER_ORIGIN]): Promise<BridgeRig> {
  const harness = await startPcscHarness(profile);
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bridge-test-'));
  const logs: Record<string, unknown>[] = [];
  const codes: { origin: string; code: string }[] = [];
  const pairingFile = join(dir, 'pairings.json');
  const { child, port } = await spawnBridge(origins, pairingFile, logs, codes).catch(async (e: unknown) => {
    await harness.stop();
    throw e;
  });
  const url = `ws://127.0.0.1:${port}`;
  const open = (origin: string | null, headers: Record<string, string> = {}) => PcscBridgeClient.connect({ url, open: (u) => openWs(u, origin, headers) });
  return {
    harness,
    bridge: child,
    url,
    codes,
    logs,
    pairingFile,
    open,
    async openPaired(origin = origins[0]!) {
      const client = await open(origin);
      if (!client.paired) {
        await until(() => codes.some((c) => c.origin === origin));
        await client.pair(codes.filter((c) => c.origin === origin).at(-1)!.code);
      }
      return client;
    },
    commandCount: () => harness.card.log.filter((e) => e.direction === 'command').length,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
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
