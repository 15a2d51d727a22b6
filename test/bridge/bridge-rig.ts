/**
 * The real path for bridge tests: the bridge (bridge/main.ts, its own process as on an operator's
 * laptop) → the `smartcard` addon → pcscd → vsmartcard-vpcd → the virtual PIV card, via
 * scripts/vpcd-harness.ts (whose lock keeps this from colliding with test/interop). The card answers
 * vpcd from this process, so the bridge must not share it: a PC/SC call that waits for the card would
 * otherwise wait for the very event loop it blocks. Clients are the page's adapter
 * (src/transport/pcsc-bridge.ts) over `ws`, which, unlike a browser, lets a test choose the Origin and
 * Host headers an attacker could.
 *
 * Tests that stop and start the PC/SC service, or need a pcscd without readers, use `privatePcscd()`
 * (private-pcscd.ts) instead of the harness, with `startBridgeProcess()` pointed at it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startPcscHarness, type PcscHarness } from '../../scripts/vpcd-harness';
import { PcscBridgeClient, type BridgeKeyStore, type WebSocketLike } from '../../src/transport/pcsc-bridge';
import type { PivCardProfileName } from '../../src/simulator/piv-card/virtual-piv-card';

/** The page origins the tests' bridge allows. */
export const APP_ORIGIN = 'http://localhost:18080';
export const OTHER_ORIGIN = 'http://127.0.0.1:18080';

/** A running bridge over a running harness. */
export interface BridgeRig extends BridgeProcess {
  readonly harness: PcscHarness;
  /** APDUs the card has answered so far. */
  commandCount(): number;
}

/** A `ws` socket with chosen headers, shaped like the browser's `WebSocket`. */
export function openWs(url: string, origin: string | null, headers: Record<string, string> = {}): WebSocketLike {
  return new WebSocket(url, {
    headers: { ...(origin === null ? {} : { Origin: origin }), ...headers },
  }) as unknown as WebSocketLike;
}

/**
 * The pairing keys each page origin keeps, as its browser's IndexedDB would: non-extractable WebCrypto
 * keys per bridge address, one store per origin (origins do not share storage).
 */
export class BrowserKeys {
  readonly #byOrigin = new Map<string, Map<string, CryptoKey>>();

  /** The key store of the page at `origin`. */
  of(origin: string): BridgeKeyStore {
    const keys = this.#byOrigin.get(origin) ?? new Map<string, CryptoKey>();
    this.#byOrigin.set(origin, keys);
    return {
      read: async (url) => keys.get(url),
      write: async (url, key) => void keys.set(url, key),
    };
  }

  /** Forgets every origin's keys (a fresh browser profile). */
  clear(): void {
    this.#byOrigin.clear();
  }
}

/** Extra command-line arguments and environment for the bridge process. */
export interface BridgeLaunch {
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** A packaged bridge (`npm run bridge:build`'s keyward-bridge.mjs) to run with plain node; default: bridge/main.ts under tsx. */
  readonly script?: string;
  /** The working directory of the bridge process (default: this one). */
  readonly cwd?: string;
}

/** Starts the bridge process; resolves with its port once it listens. `stderr` receives its console text. */
function spawnBridge(
  origins: readonly string[],
  pairingFile: string,
  logs: Record<string, unknown>[],
  codes: { origin: string; code: string }[],
  launch: BridgeLaunch = {},
  stderr: (text: string) => void = () => undefined,
): Promise<{ child: ChildProcess; port: number }> {
  const allow = origins.flatMap((o) => ['--origin', o]);
  const entry = launch.script ? [launch.script] : ['--import', 'tsx', 'bridge/main.ts'];
  const child = spawn(
    process.execPath,
    [...entry, ...allow, '--port', '0', '--pairings-file', pairingFile, ...(launch.args ?? [])],
    {
      cwd: launch.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...launch.env },
    },
  );
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
      const text = new TextDecoder().decode(d);
      err += text;
      stderr(text);
      for (const m of err.matchAll(/Pairing code for (\S+):\s+(\d{3}) (\d{3})/g))
        if (!codes.some((c) => c.code === m[2]! + m[3]!)) codes.push({ origin: m[1]!, code: m[2]! + m[3]! });
      const port = /on ws:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (port) resolve({ child, port: Number(port[1]) });
    });
    child.once('exit', (code) => reject(new Error(`the bridge exited (${code}): ${err}`)));
  });
}

/** A bridge process on its own (no harness): whatever PC/SC service its environment points it at. */
export interface BridgeProcess {
  readonly bridge: ChildProcess;
  readonly url: string;
  /** Pairing codes the bridge "printed", newest last. */
  readonly codes: { origin: string; code: string }[];
  /** Every log record the bridge wrote. */
  readonly logs: Record<string, unknown>[];
  readonly pairingFile: string;
  /** Everything the bridge wrote to its console (stderr) so far. */
  console(): string;
  /** The pages' pairing keys, per origin. */
  readonly keys: BrowserKeys;
  /** Opens a client with the given headers (Origin omitted when null) and that origin's pairing keys. */
  open(origin: string | null, headers?: Record<string, string>): Promise<PcscBridgeClient>;
  /**
   * Opens a client for `origin` (the first allowed origin by default), authenticated with its pairing key
   * or, without one, paired with the code the bridge prints.
   */
  openPaired(origin?: string): Promise<PcscBridgeClient>;
  stop(): Promise<void>;
}

/** Starts a bridge process allowing `origins`, with extra arguments and environment from `launch`. */
export async function startBridgeProcess(
  origins: readonly string[] = [APP_ORIGIN, OTHER_ORIGIN],
  launch: BridgeLaunch = {},
): Promise<BridgeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bridge-test-'));
  const logs: Record<string, unknown>[] = [];
  const codes: { origin: string; code: string }[] = [];
  const pairingFile = join(dir, 'pairings.json');
  let consoleText = '';
  const { child, port } = await spawnBridge(origins, pairingFile, logs, codes, launch, (t) => (consoleText += t)).catch(
    (e: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    },
  );
  const url = `ws://127.0.0.1:${port}`;
  const keys = new BrowserKeys();
  const open = (origin: string | null, headers: Record<string, string> = {}) =>
    PcscBridgeClient.connect({
      url,
      open: (u) => openWs(u, origin, headers),
      keys: keys.of(origin ?? 'null'),
      origin: origin ?? 'null',
    });
  return {
    bridge: child,
    url,
    codes,
    logs,
    pairingFile,
    keys,
    console: () => consoleText,
    open,
    async openPaired(origin = origins[0]!) {
      const client = await open(origin);
      if (!client.paired) {
        const before = codes.filter((c) => c.origin === origin).length;
        await client.requestCode();
        // A code still valid is not printed again: wait a moment for a new one, else use the last one.
        await until(() => codes.filter((c) => c.origin === origin).length > before, 1000).catch(() => undefined);
        await client.pair(codes.filter((c) => c.origin === origin).at(-1)!.code);
      }
      return client;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A page of APP_ORIGIN paired afresh (a new browser profile, so a new key) with a bridge running in this
 * process on `port`, which printed its pairing codes into `codes`.
 */
export async function pairedInProcess(port: number, codes: readonly string[]): Promise<PcscBridgeClient> {
  const client = await PcscBridgeClient.connect({
    url: `ws://127.0.0.1:${port}`,
    open: (u) => openWs(u, APP_ORIGIN),
    keys: new BrowserKeys().of(APP_ORIGIN),
    origin: APP_ORIGIN,
  });
  await client.requestCode();
  await client.pair(codes.at(-1)!);
  return client;
}

/** Starts the harness with `profile` and a bridge process in front of it, allowing `origins`. */
export async function startBridgeRig(
  profile: PivCardProfileName,
  origins: readonly string[] = [APP_ORIGIN, OTHER_ORIGIN],
  launch: BridgeLaunch = {},
): Promise<BridgeRig> {
  const harness = await startPcscHarness(profile);
  const bridge = await startBridgeProcess(origins, launch).catch(async (e: unknown) => {
    await harness.stop();
    throw e;
  });
  return {
    ...bridge,
    harness,
    commandCount: () => harness.card.log.filter((e) => e.direction === 'command').length,
    async stop() {
      await bridge.stop();
      await harness.stop();
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
