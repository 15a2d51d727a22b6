/**
 * Per-APDU round trip through the PC/SC bridge, hop by hop, in one run on one APDU suite:
 * - webusb: the simulator's virtual CCID reader → our WebUSB CCID driver → the virtual card;
 * - direct PC/SC: a child process → bridge/pcsc.ts → the `smartcard` addon → pcscd → vsmartcard's
 *   vpcd driver → TCP → the same virtual card (src/simulator/vpcd-client.ts, in this process);
 * - bridge: PcscBridgeCard → WebSocket → the bridge process → the direct path above.
 * The card's socket timestamps every vpcd message (first byte, last byte, reply), which splits each
 * PC/SC round trip into the vpcd → card delivery stall, the card's own work and the rest.
 *
 * Measured attribution (this machine: Linux 6.18 with HZ=250, pcscd 1.9.9, vsmartcard-vpcd 3.3, 500 APDUs a
 * path): both PC/SC paths take ~44 ms a round trip, of which ~43 ms is the vpcd → card stall, ~0.35 ms the
 * virtual card and ~0.5 ms the rest of the direct path; the bridge adds ~1 ms (two WebSocket frames
 * between processes that sat idle through the stall, ~0.7 ms for a bare `ws` echo here; JSON, hex, the
 * session queue and the per-APDU log line for the rest). The stall is Nagle meeting delayed ACK, not our
 * code: vpcd sends the 2-byte length and the APDU in two send() calls (strace) without TCP_NODELAY (its
 * one setsockopt is SO_REUSEADDR), so the APDU waits in vpcd's kernel until the card's side ACKs the
 * length, and Linux delays that ACK (40 ms minimum) because the card answers every message. A scratch card
 * that set TCP_QUICKACK after each read took the direct path from 44 ms to 0.13 ms (Node cannot set that
 * option). The delayed-ACK timer fires on a 4 ms kernel tick, so whole round trips snap to 44 ms and hide
 * sub-tick work: bridge − direct over whole round trips reads ~0, hence the stall-free row. pcscd's
 * presence poll (a GET ATR every ~0.4 s) stalls the same way; an APDU queued behind it takes ~88 ms (the
 * p95). None of this is on a real reader's path (pcscd → CCID driver → USB): the bridge's own figure is
 * the one to watch.
 * Needs pcscd + vsmartcard-vpcd and the `smartcard` addon (scripts/install-test-deps.sh).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fromHex } from '../src/bytes';
import { openPcsc } from '../bridge/pcsc';
import type { VpcdMessageTiming } from '../src/simulator/vpcd-client';
import { createVirtualPivCard } from '../src/simulator/piv-card/virtual-piv-card';
import { createSimulatorTransport } from '../src/simulator/simulator-transport';
import { startBridgeRig, type BridgeRig } from '../test/bridge/bridge-rig';

/** Round-trip statistics for one path, in milliseconds per APDU. */
export interface PathTiming {
  readonly apdus: number;
  readonly meanMs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

/** A PC/SC path's round trip, and its parts as timed at the card's vpcd socket. */
export interface PcscPathTiming {
  readonly total: PathTiming;
  /** vpcd → card delivery stall (including presence polls the APDU queued behind). */
  readonly stall: PathTiming;
  /** The virtual card's own work. */
  readonly card: PathTiming;
  /** total − stall − card: addon, pcscd IPC, vpcd (and, on the bridge path, the bridge). */
  readonly rest: PathTiming;
}

/** Every path, and the bridge's own overhead (bridge − direct, per statistic). */
export interface BridgeBenchResult {
  readonly webusb: PathTiming;
  readonly direct: PcscPathTiming;
  readonly bridge: PcscPathTiming;
  /** bridge − direct on whole round trips. */
  readonly bridgeOverhead: Omit<PathTiming, 'apdus'>;
  /** bridge − direct with the vpcd stall and card work taken out of each APDU first (less noisy). */
  readonly bridgeOverheadStallFree: Omit<PathTiming, 'apdus'>;
}

interface Transmitter {
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

/** The suite: SELECT PIV, GET VERSION, GET SERIAL, GET DATA (discovery object), VERIFY status. */
const SUITE = ['00A4040005A000000308', '00FD000000', '00F8000000', '00CB3FFF035C017E00', '0020008000'].map((h) =>
  fromHex(h),
);
const DIRECT_CHILD_FLAG = '--direct-pcsc-child';

/** Times every APDU of `rounds` suites after one warm-up suite. */
async function sample(t: Transmitter, rounds: number): Promise<number[]> {
  for (const apdu of SUITE) await t.transmit(apdu);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const apdu of SUITE) {
      const start = performance.now();
      await t.transmit(apdu);
      samples.push(performance.now() - start);
    }
  }
  return samples;
}

function stats(values: readonly number[]): PathTiming {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    apdus: sorted.length,
    meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    medianMs: at(0.5),
    p95Ms: at(0.95),
  };
}

const minus = (a: PathTiming, b: PathTiming) => ({
  medianMs: a.medianMs - b.medianMs,
  meanMs: a.meanMs - b.meanMs,
  p95Ms: a.p95Ms - b.p95Ms,
});

/**
 * Splits each sample with the card-side timings of the vpcd messages that led to its APDU: messages are
 * answered one at a time in order, so the controls since the previous APDU belong to this one's wait.
 */
function attribute(samples: readonly number[], messages: readonly VpcdMessageTiming[]): PcscPathTiming {
  const stall: number[] = [];
  const card: number[] = [];
  let s = 0;
  let c = 0;
  for (const m of messages) {
    s += m.completeAt - m.firstByteAt;
    c += m.answeredAt - m.completeAt;
    if (m.length > 1) {
      stall.push(s);
      card.push(c);
      s = c = 0;
    }
  }
  if (stall.length !== samples.length + SUITE.length)
    throw new Error(`the card saw ${stall.length} APDUs for ${samples.length} timed + ${SUITE.length} warm-up`);
  const timed = stall.length - samples.length; // drop the warm-up suite
  const rest = samples.map((x, i) => x - stall[timed + i]! - card[timed + i]!);
  return { total: stats(samples), stall: stats(stall.slice(timed)), card: stats(card.slice(timed)), rest: stats(rest) };
}

/** Runs `run` while recording the card's vpcd messages, then attributes its samples. */
async function timePcscPath(rig: BridgeRig, run: () => Promise<number[]>): Promise<PcscPathTiming> {
  const messages: VpcdMessageTiming[] = [];
  const unsubscribe = rig.harness.vpcd.onMessage((m) => messages.push(m));
  try {
    return attribute(await run(), messages);
  } finally {
    unsubscribe();
  }
}

/** The direct path, from a child process: the card answers vpcd from this one's event loop. */
function sampleDirect(reader: string, rounds: number): Promise<number[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), DIRECT_CHILD_FLAG, reader, String(rounds)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as number[])
        : reject(new Error(`the direct PC/SC child exited with ${code}`)),
    );
  });
}

/** The child's side: the bridge's own PC/SC adapter, no WebSocket; prints its samples as JSON. */
async function directChild(reader: string, rounds: number): Promise<void> {
  const service = openPcsc();
  const card = await service.connect(reader, 'exclusive');
  try {
    process.stdout.write(JSON.stringify(await sample(card, rounds)));
  } finally {
    card.disconnect();
    service.close();
  }
}

async function sampleBridge(rig: BridgeRig, rounds: number): Promise<number[]> {
  const client = await rig.openPaired();
  try {
    const card = await client.connectCard(rig.harness.reader, { mode: 'exclusive' });
    const samples = await sample(card, rounds);
    await card.close();
    return samples;
  } finally {
    client.close();
  }
}

function print(r: BridgeBenchResult): void {
  const ms = (x: number) => x.toFixed(3).padStart(8);
  const row = (name: string, p: Omit<PathTiming, 'apdus'>) =>
    console.log(`  ${name.padEnd(46)} ${ms(p.medianMs)} ${ms(p.meanMs)} ${ms(p.p95Ms)}`);
  const parts = (p: PcscPathTiming) => {
    row('  vpcd → card stall (Nagle × delayed ACK)', p.stall);
    row("  virtual card's work", p.card);
    row('  the rest', p.rest);
  };
  console.log(`\nPC/SC bridge, hop by hop: ms per APDU round trip (median, mean, p95), ${r.webusb.apdus} APDUs a path`);
  row('WebUSB CCID (simulator)', r.webusb);
  row('direct PC/SC: addon → pcscd → vpcd → card', r.direct.total);
  parts(r.direct);
  row('bridge: page → WebSocket → bridge → direct', r.bridge.total);
  parts(r.bridge);
  row("bridge's own overhead = bridge − direct", r.bridgeOverhead);
  row('  the same, stall-free (rest − rest)', r.bridgeOverheadStallFree);
  console.log('  (the vpcd stall ends on a 4 ms kernel tick, which absorbs sub-tick work: read the stall-free row)');
}

/** Runs every path on the same suite and prints the breakdown. */
export async function benchBridge(rounds = 100): Promise<BridgeBenchResult> {
  const webusbTransport = await createSimulatorTransport({ card: createVirtualPivCard({ profile: 'yubikey-5.7' }) });
  const webusb = stats(await sample(webusbTransport, rounds));
  await webusbTransport.close();

  const rig = await startBridgeRig('yubikey-5.7');
  let direct: PcscPathTiming;
  let bridge: PcscPathTiming;
  try {
    direct = await timePcscPath(rig, () => sampleDirect(rig.harness.reader, rounds));
    bridge = await timePcscPath(rig, () => sampleBridge(rig, rounds));
  } finally {
    await rig.stop();
  }
  const result = {
    webusb,
    direct,
    bridge,
    bridgeOverhead: minus(bridge.total, direct.total),
    bridgeOverheadStallFree: minus(bridge.rest, direct.rest),
  };
  print(result);
  return result;
}

if (process.argv[2] === DIRECT_CHILD_FLAG && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await directChild(process.argv[3]!, Number(process.argv[4]));
}
