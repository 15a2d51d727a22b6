/**
 * Heap growth over many APDUs: heapUsed after a full GC, before and after `count` APDUs through the
 * same open transport. Growth that stays after GC is something the stack keeps per APDU (a leak).
 * Target: under 5 MB after 100,000 APDUs. Needs `node --expose-gc` (see package.json "bench").
 */
import { fixedResponseCard, TIMED_COMMAND } from './ccid-latency';
import { openRig } from './ccid-rig';

type Gc = () => void;

/** `global.gc` when Node runs with --expose-gc, else null (the figure is then not measured). */
export function exposedGc(): Gc | null {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as Gc) : null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * heapUsed after GC, once right away and once settled (GC until heapUsed stops falling). Garbage that
 * needs several collections (finalizers) shows in "quick" only; growth that survives settling is a leak.
 */
async function heapAfterGc(gc: Gc): Promise<{ quick: number; settled: number }> {
  gc();
  await new Promise<void>((resolve) => setImmediate(resolve));
  gc();
  const quick = process.memoryUsage().heapUsed;
  let settled = quick;
  for (let round = 0, calm = 0; round < 40 && calm < 2; round++) {
    await sleep(20);
    gc();
    const now = process.memoryUsage().heapUsed;
    calm = Math.abs(settled - now) < 128 * 1024 ? calm + 1 : 0;
    settled = now;
  }
  return { quick, settled };
}

/** What `measureHeap` found for one reader (bytes of heapUsed). */
export interface HeapFigures {
  /** Settled heapUsed before the run. */
  readonly before: number;
  /** After the run: after one GC, and settled. */
  readonly after: { readonly quick: number; readonly settled: number };
  readonly apdus: number;
  readonly ms: number;
}

/** Opens corpus reader `file`, warms up, and measures heapUsed after GC around `count` APDUs. */
export async function measureHeap(file: string, count: number, gc: Gc): Promise<HeapFigures> {
  const rig = await openRig(file, fixedResponseCard());
  try {
    for (let i = 0; i < 2000; i++) await rig.channel.transmit(TIMED_COMMAND);
    const before = (await heapAfterGc(gc)).settled;
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const r = await rig.channel.transmit(TIMED_COMMAND);
      if (r.sw !== 0x9000) throw new Error(`bench APDU answered ${r.sw.toString(16)}`);
    }
    const ms = performance.now() - start;
    const { quick, settled } = await heapAfterGc(gc);
    return { before, after: { quick, settled }, apdus: count, ms };
  } finally {
    await rig.transport.close();
  }
}
