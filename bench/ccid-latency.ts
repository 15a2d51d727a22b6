/**
 * Per-APDU JavaScript overhead of the card stack at zero device latency: the virtual card answers at
 * once with a fixed response, so every nanosecond measured is ApduChannel, the CCID driver (slot queue,
 * BulkPipe, T=1 engine at TPDU level) and the virtual reader's own work. Target: median ≤ 50 µs, well
 * under one 1 ms full-speed USB frame, so that the stack is never what a real reader waits for.
 */
import type { CommandApdu } from '../src/apdu/command';
import type { VirtualCardSpec } from '../src/simulator/virtual-types';
import { ATR_T0_T1 } from '../src/simulator/fake-test-card';
import { openRig, type Rig } from './ccid-rig';

/**
 * The APDU timed: GET DATA for the PIV CHUID (SP 800-73-4 Part 2 §3.1.2: 00 CB 3F FF, tag list 5C 03
 * 5F C1 02, Le 00), a typical small case-4 command.
 */
export const TIMED_COMMAND: CommandApdu = {
  cla: 0x00,
  ins: 0xcb,
  p1: 0x3f,
  p2: 0xff,
  data: Uint8Array.of(0x5c, 0x03, 0x5f, 0xc1, 0x02),
  le: 256,
};

/** The fixed answer: 32 data bytes then 90 00. */
const FIXED_RESPONSE = Uint8Array.from([...Array.from({ length: 32 }, (_, i) => i), 0x90, 0x00]);

/** A card that answers every APDU at once with `FIXED_RESPONSE`; ATR offers T=0 and T=1 (IFSC 254). */
export function fixedResponseCard(): VirtualCardSpec {
  return { atr: ATR_T0_T1, handleApdu: () => FIXED_RESPONSE };
}

/** Median, p90, p99 and mean of one series, in microseconds (the mean carries the GC pauses). */
export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
}

/** What `measureLatency` found for one reader. */
export interface LatencyFigures {
  /** Whole round trip through ApduChannel → driver → virtual device → card. */
  readonly total: Percentiles;
  /** Of a round trip, the time inside the virtual device's bulk calls (a second, timed pass; see CountingDevice). */
  readonly inDevice: Percentiles;
  readonly apdus: number;
}

function percentiles(ns: Float64Array): Percentiles {
  const sorted = ns.slice().sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! / 1000;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), mean: ns.reduce((a, b) => a + b, 0) / ns.length / 1000 };
}

/** Sends `count` timed APDUs; returns each round trip and the part of it inside the device, in nanoseconds. */
async function timeApdus(rig: Rig, count: number): Promise<{ total: Float64Array; device: Float64Array }> {
  const total = new Float64Array(count);
  const device = new Float64Array(count);
  const { counts } = rig.device;
  for (let i = 0; i < count; i++) {
    const inDevice = counts.deviceNs;
    const start = process.hrtime.bigint();
    const r = await rig.channel.transmit(TIMED_COMMAND);
    const elapsed = process.hrtime.bigint() - start;
    if (r.sw !== 0x9000) throw new Error(`bench APDU answered ${r.sw.toString(16)}`);
    total[i] = Number(elapsed);
    device[i] = Number(counts.deviceNs - inDevice);
  }
  return { total, device };
}

/** How many APDUs `measureLatency` sends: warm-up, the plain timed pass, the device-timed pass. */
export interface LatencyRun {
  readonly warmup: number;
  readonly apdus: number;
  readonly splitApdus: number;
}

/**
 * Opens corpus reader `file` with the fixed-response card, warms up, then times APDUs twice: once plain
 * (the headline figure) and once with the device calls timed (to split off the simulator's share).
 */
export async function measureLatency(file: string, run: LatencyRun): Promise<LatencyFigures> {
  const rig = await openRig(file, fixedResponseCard());
  try {
    await timeApdus(rig, run.warmup);
    const plain = await timeApdus(rig, run.apdus);
    rig.device.timed = true;
    const split = await timeApdus(rig, run.splitApdus);
    return { total: percentiles(plain.total), inDevice: percentiles(split.device), apdus: run.apdus };
  } finally {
    await rig.transport.close();
  }
}
