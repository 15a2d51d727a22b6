/**
 * `npm run bench` figures for the card stack: ApduChannel → CCID driver (src/ccid/) → virtual CCID reader
 * built from real corpus descriptors (src/simulator/). Prints three compact tables:
 * per-APDU overhead at zero device latency, bulk transfers against the spec minimum, and heap growth.
 * Runs in about 30–40 s on 2 cores.
 */
import { availableParallelism, loadavg } from 'node:os';
import { measureHeap, exposedGc, type HeapFigures } from './ccid-heap';
import { measureLatency, type LatencyFigures, type LatencyRun } from './ccid-latency';
import { BENCH_LEVELS, type BenchLevel } from './ccid-rig';
import { measureTransfers, type TransferRow } from './ccid-transfers';

/** The latency run: warm-up, the timed pass, and a second, device-timed pass that splits off the simulator's share. */
const LATENCY_RUN: LatencyRun = { warmup: 2_000, apdus: 20_000, splitApdus: 10_000 };
const HEAP_APDUS = 100_000;
/** What the tables mark OVER TARGET. */
const TARGET = { p50Us: 50, heapMb: 5 } as const;

/** The readers timed and heap-checked: one per level (the others only have their transfers counted). */
const TIMED_FILES = new Set(['ACS_ACR3901U_ICC_Reader.txt', 'SCR3310.txt', 'Identiv_uTrust_3700_F_CL_Reader.txt']);

const ok = (good: boolean): string => (good ? 'ok' : 'OVER TARGET');
const us = (n: number): string => n.toFixed(1).padStart(6);
const mb = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${(bytes / 1e6).toFixed(2)} MB`.padStart(10);
const pair = (t: { out: number; in: number }): string => `${t.out}+${t.in}`.padStart(7);

/** Message types by name, for explaining a transfer surplus (CCID rev 1.1 §6.1). */
const MESSAGE_NAMES: Record<number, string> = {
  0x61: 'SetParameters',
  0x62: 'IccPowerOn',
  0x63: 'IccPowerOff',
  0x65: 'GetSlotStatus',
  0x6c: 'GetParameters',
  0x6f: 'XfrBlock',
  0x72: 'Abort',
};

function printLatency(rows: readonly [BenchLevel, LatencyFigures][]): void {
  const n = (x: number): string => x.toLocaleString('en');
  console.log(
    `\nCard stack: per-APDU JavaScript overhead at zero device latency (${n(LATENCY_RUN.apdus)} APDUs after ${n(LATENCY_RUN.warmup)} warm-up)`,
  );
  console.log('  ApduChannel → CCID driver → virtual USBDevice → card answering at once (GET DATA, 32 bytes + 9000)');
  const load = loadavg()[0]!.toFixed(2);
  console.log(
    `  Node ${process.version}, ${availableParallelism()} cores, load average ${load} (other work on the machine shows in p90/p99)`,
  );
  const head = ['p50', 'p90', 'p99', 'mean'].map((h) => h.padStart(6)).join(' ');
  console.log(
    `  ${'level (reader), µs'.padEnd(32)} ${head}  ${'in device p50/p90'.padEnd(20)} target p50 ≤ ${TARGET.p50Us} µs`,
  );
  for (const [level, f] of rows) {
    const t = f.total;
    const device = `${us(f.inDevice.p50)} / ${us(f.inDevice.p90)}`.padEnd(20);
    console.log(
      `  ${level.label.padEnd(32)} ${us(t.p50)} ${us(t.p90)} ${us(t.p99)} ${us(t.mean)}  ${device} ${ok(t.p50 <= TARGET.p50Us)}`,
    );
  }
  console.log(
    `  ("in device" = time inside the virtual reader's bulk calls, from a second pass of ${n(LATENCY_RUN.splitApdus)} APDUs:`,
  );
  console.log("   the simulator's share, not ours. The mean also carries GC pauses.)");
}

/** Why ours is larger than the minimum, from the bulk-out messages seen during the operation. */
function surplus(row: TransferRow): string {
  if (row.ours.out <= row.minimum.out && row.ours.in <= row.minimum.in) return '';
  const messages = [...row.messages]
    .map(([type, n]) => `${MESSAGE_NAMES[type] ?? `0x${type.toString(16)}`}×${n}`)
    .join(', ');
  const extraIn = row.ours.in - row.ours.out;
  return `  ours larger: bulk-out messages were ${messages}${extraIn > 0 ? `; ${extraIn} replies took more than one bulk-in` : ''}`;
}

function printTransfers(rows: readonly [BenchLevel, { write: TransferRow; read: TransferRow }][]): void {
  console.log('\nUSB bulk transfers (bulk-out + bulk-in) against the fewest the specs allow');
  console.log('  2 KB write: command with 2048 data bytes (case 3); 4 KB read: response of 4096 bytes (Ne 4096)');
  console.log(
    `  ${'level (reader)'.padEnd(32)} ${'write'.padStart(7)} ${'min'.padStart(7)} ${'read'.padStart(7)} ${'min'.padStart(7)}  minimum from`,
  );
  for (const [level, { write, read }] of rows) {
    const equal = [write, read].every((r) => r.ours.out === r.minimum.out && r.ours.in === r.minimum.in);
    const figures = [write.ours, write.minimum, read.ours, read.minimum].map(pair).join(' ');
    console.log(`  ${level.label.padEnd(32)} ${figures}  ${read.rule}${equal ? '' : '  NOT MINIMAL'}`);
    for (const note of [surplus(write), surplus(read)]) if (note) console.log(`  ${note}`);
  }
}

function heapRow(level: BenchLevel, h: HeapFigures): string {
  const settled = h.after.settled - h.before;
  const rate = Math.round(h.apdus / (h.ms / 1000))
    .toString()
    .padStart(8);
  return `  ${level.label.padEnd(32)} ${mb(settled)} ${mb(h.after.quick - h.before)} ${rate}  ${ok(settled < TARGET.heapMb * 1e6)}`;
}

function printHeap(rows: readonly [BenchLevel, HeapFigures][] | null): void {
  console.log(`\nHeap growth over ${HEAP_APDUS.toLocaleString('en')} APDUs (heapUsed after GC, after minus before)`);
  if (!rows) {
    console.log(
      '  not measured: global.gc is missing; run with `node --expose-gc --import tsx bench/index.ts` (npm run bench does)',
    );
    return;
  }
  const head = [
    ['settled', 10],
    ['after 1 GC', 10],
    ['APDU/s', 8],
  ] as const;
  console.log(
    `  ${'level (reader)'.padEnd(32)} ${head.map(([h, w]) => h.padStart(w)).join(' ')}  target < ${TARGET.heapMb} MB (settled)`,
  );
  for (const [level, h] of rows) console.log(heapRow(level, h));
}

/** Runs the card-stack benchmarks and prints their tables. */
export async function benchCcid(): Promise<void> {
  const started = performance.now();
  const timed = BENCH_LEVELS.filter((l) => TIMED_FILES.has(l.file));
  const latency: [BenchLevel, LatencyFigures][] = [];
  for (const level of timed) latency.push([level, await measureLatency(level.file, LATENCY_RUN)]);
  printLatency(latency);
  const transfers: [BenchLevel, { write: TransferRow; read: TransferRow }][] = [];
  for (const level of BENCH_LEVELS) transfers.push([level, await measureTransfers(level.file)]);
  printTransfers(transfers);
  const gc = exposedGc();
  let heap: [BenchLevel, HeapFigures][] | null = null;
  if (gc) {
    heap = [];
    for (const level of timed) heap.push([level, await measureHeap(level.file, HEAP_APDUS, gc)]);
  }
  printHeap(heap);
  console.log(`\n(card-stack figures took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
