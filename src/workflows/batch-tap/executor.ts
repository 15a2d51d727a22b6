/**
 * Runs a Batch TAP: creates the passes of the eligible users through Graph `$batch`, at the pace the
 * write budget allows, and hands each created pass (code included, in memory only) to delivery.
 *
 * Rules (issue 17; DESIGN.md "Graph TAP"):
 * - at most 20 creates per `$batch`, as many as the budget holds tokens for;
 * - an item (or the whole batch) answered 429 goes back to the front of the queue, and nothing is sent
 *   before its `Retry-After` has passed;
 * - a create is sent once. Before it is sent the journal records the attempt; an item whose outcome is
 *   unknown (5xx, a timeout, an answer that never came, a tab closed meanwhile) is resolved by reading the
 *   user's pass methods: a pass created after the attempt started is the one. It is never created again.
 *   Such a pass exists but its code was never seen, so it cannot be delivered; the report says so;
 * - up to MAX_IN_FLIGHT batches are in flight at once; pause and cancel take effect between batches, and
 *   what is in flight finishes first;
 * - a batch's slot is free once Graph answered: its emails and its record in the journal (and the reads
 *   that resolve unknown items) go on beside the next batches, up to MAX_SETTLING batches at once, so
 *   delivery never holds the creates back.
 *
 * Pure orchestration over ports: Graph (`send`), the journal (the relay's batch store), delivery and a
 * clock. No code ever reaches the journal. One chunk's send and its answer: send-chunk.ts.
 */
import { GRAPH_BATCH_LIMIT, type BatchItemResponse, type BatchRequest } from '../../entra/graph-batch';
import type { TapRequest, TemporaryAccessPass } from '../../entra/tap';
import { resolveUnknown } from './resolve-unknown';
import { sendChunk } from './send-chunk';
import type { Clock, WriteBudget } from './write-budget';

/** One user to create a pass for, with what the card template asks for. */
export interface BatchTarget {
  readonly userId: string;
  readonly request: TapRequest;
}

/** A target whose create was sent and not answered in a previous run (or this one). */
export interface InFlight {
  readonly target: BatchTarget;
  /** When the create was sent (ISO 8601). */
  readonly attemptAt: string;
}

/** How one user's item ended. `error` is words for the report; never a code. */
export type ItemOutcome =
  | {
      readonly userId: string;
      readonly status: 'created';
      readonly passId: string;
      readonly startDateTime: string;
      readonly delivered: boolean;
      readonly error: string | null;
    }
  | { readonly userId: string; readonly status: 'failed'; readonly error: string };

/** Where the run's state lives (the relay's batch store); the executor reads nothing back from it. */
export interface BatchJournal {
  /**
   * Claims the creates of these users, to be sent at `attemptAt`; resolves with the users claimed. Only
   * those are sent: another tab resuming the same batch may have claimed the rest.
   */
  attempting(userIds: readonly string[], attemptAt: string): Promise<readonly string[]>;
  /** Puts these users back to pending: their creates were refused before anything happened (429). */
  release(userIds: readonly string[]): Promise<void>;
  /** Records final outcomes. */
  record(outcomes: readonly ItemOutcome[]): Promise<void>;
}

/** What the executor needs. */
export interface ExecutorPorts {
  /** Sends one Graph `$batch` (entra/graph-batch.ts `sendBatch` bound to the operator's transport). */
  readonly send: (requests: readonly BatchRequest[]) => Promise<BatchItemResponse[]>;
  readonly journal: BatchJournal;
  /** Delivers a created pass (its code in `tap.temporaryAccessPass`); resolves with the words of a failure. */
  readonly deliver: (
    target: BatchTarget,
    tap: TemporaryAccessPass,
  ) => Promise<{ delivered: boolean; error: string | null }>;
  readonly budget: WriteBudget;
  readonly clock: Clock;
  /** Asked between batches: go on, pause (resumable) or cancel. */
  readonly control?: () => 'run' | 'pause' | 'cancel';
  /** Called after each batch with the outcomes it settled. */
  readonly onSettled?: (outcomes: readonly ItemOutcome[]) => void;
}

/** How a run ended. */
export interface RunResult {
  readonly state: 'finished' | 'paused' | 'cancelled';
  /** Targets not yet sent (pause, cancel). */
  readonly remaining: readonly BatchTarget[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Batches in flight at once. One at a time, the budget's tokens pile up (and overflow its small burst)
 * while an answer is awaited; a few in flight keep the run at the budget's pace.
 */
export const MAX_IN_FLIGHT = 1;

/** Answered batches whose deliveries and records may run at once beside the sends. */
export const MAX_SETTLING = 4;

/** Runs the targets (and first resolves `inFlight` from an earlier run). */
export async function runBatch(
  ports: ExecutorPorts,
  targets: readonly BatchTarget[],
  inFlight: readonly InFlight[] = [],
): Promise<RunResult> {
  const settle = async (outcomes: ItemOutcome[]) => {
    if (outcomes.length === 0) return;
    await ports.journal.record(outcomes);
    ports.onSettled?.(outcomes);
  };
  if (inFlight.length) await settle(await resolveUnknown(ports, inFlight));
  const queue = [...targets];
  const running = new Set<Promise<void>>();
  const settling = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  const track = (set: Set<Promise<void>>, work: Promise<void>) => {
    const tracked = work.catch((error: unknown) => void (failure ??= { error })).finally(() => set.delete(tracked));
    set.add(tracked);
  };
  const everything = () => Promise.all([...running, ...settling]);
  for (;;) {
    if (failure) break;
    const decision = ports.control?.() ?? 'run';
    if (decision !== 'run') {
      await everything();
      if (failure) break;
      return { state: decision === 'pause' ? 'paused' : 'cancelled', remaining: queue };
    }
    if (queue.length === 0 || running.size >= MAX_IN_FLIGHT || settling.size >= MAX_SETTLING) {
      // With users still queued, this is reached only while something runs or settles.
      if (running.size === 0 && settling.size === 0) break;
      await Promise.race([...running, ...settling]);
      continue;
    }
    const count = await ports.budget.acquire(Math.min(GRAPH_BATCH_LIMIT, queue.length));
    // The wait may have been long (a Retry-After): a pause or cancel asked meanwhile stops this batch too.
    if ((ports.control?.() ?? 'run') !== 'run') {
      ports.budget.answered(count);
      continue;
    }
    const taken = queue.splice(0, count);
    const attemptAt = iso(ports.clock.now());
    const claimed = new Set(
      await ports.journal.attempting(
        taken.map((t) => t.userId),
        attemptAt,
      ),
    );
    const chunk = taken.filter((t) => claimed.has(t.userId));
    // Writes not sent (another tab claimed them) are given back as answered at once.
    ports.budget.answered(taken.length - chunk.length);
    if (chunk.length === 0) continue;
    const answered = sendChunk(ports, chunk, attemptAt, queue);
    track(
      running,
      answered.then(() => undefined),
    );
    track(settling, answered.then((finish) => finish()).then(settle));
  }
  await everything();
  if (failure) throw (failure as { error: unknown }).error;
  return { state: 'finished', remaining: [] };
}
