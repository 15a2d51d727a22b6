/**
 * Sends one chunk of a Batch TAP (executor.ts) as a Graph `$batch` of creates and takes in the answer:
 * - a whole batch refused with 429 goes back to the front of the queue (released in the journal first),
 *   and the budget holds for its `Retry-After`; another 4xx refusal of the whole batch ends the run;
 * - per item: 201 is a pass to deliver, 429 goes back to the queue, another 4xx is a refusal in words,
 *   anything else (5xx, no answer) is unknown and resolved by reading (resolve-unknown.ts), never sent again.
 * The chunk's slot is free once Graph answered; what is left (deliveries, reads) is returned to run after.
 */
import { isAppError } from '../../app-error';
import { itemErrorText, type BatchItemResponse } from '../../entra/graph-batch';
import type { TemporaryAccessPass } from '../../entra/tap';
import type { BatchTarget, ExecutorPorts, InFlight, ItemOutcome } from './executor';
import { resolveUnknown, tapUrl } from './resolve-unknown';

/** A whole-batch failure that means nothing was done (the request was refused as such). */
function refusedAsWhole(e: unknown): { retryAfterSeconds: number } | null {
  if (!isAppError(e, 'entra')) return null;
  const status = e.fields.status;
  if (status === 429) return { retryAfterSeconds: Number(e.fields.retryAfterSeconds ?? 1) };
  return null;
}

/** True when a whole-batch failure is a clear refusal (4xx other than 429): nothing was created. */
function clientRefusal(e: unknown): boolean {
  const status = isAppError(e, 'entra') ? e.fields.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
}

/** What is left of an answered chunk: its deliveries and the reads of its unknown items. */
type Finish = () => Promise<ItemOutcome[]>;

/**
 * Sends one chunk and takes in Graph's answer: throttled targets go back to the front of `queue` (released
 * in the journal first); resolves, once the chunk's slot is free, with what is left to settle it.
 */
export async function sendChunk(
  ports: ExecutorPorts,
  chunk: BatchTarget[],
  attemptAt: string,
  queue: BatchTarget[],
): Promise<Finish> {
  let answers: BatchItemResponse[];
  try {
    answers = await ports.send(
      chunk.map((t, i) => ({ id: String(i), method: 'POST', url: tapUrl(t.userId), body: t.request })),
    );
  } catch (e) {
    ports.budget.answered(chunk.length);
    const throttled = refusedAsWhole(e);
    if (throttled || clientRefusal(e)) {
      await ports.journal.release(chunk.map((t) => t.userId));
      if (!throttled) throw e;
      ports.budget.hold(throttled.retryAfterSeconds);
      queue.unshift(...chunk);
      return async () => [];
    }
    // 5xx, a timeout, offline: any of these creates may have landed.
    return () =>
      resolveUnknown(
        ports,
        chunk.map((target) => ({ target, attemptAt })),
      );
  }
  ports.budget.answered(chunk.length);
  const passes: [BatchTarget, TemporaryAccessPass][] = [];
  const refused: ItemOutcome[] = [];
  const unknown: InFlight[] = [];
  const again: BatchTarget[] = [];
  for (const [i, answer] of answers.entries()) {
    const target = chunk[i]!;
    if (answer.status === 201) passes.push([target, answer.body as TemporaryAccessPass]);
    else if (answer.status === 429) {
      ports.budget.hold(answer.retryAfterSeconds ?? 1);
      again.push(target);
    } else if (answer.status >= 400 && answer.status < 500)
      refused.push({
        userId: target.userId,
        status: 'failed',
        error: `Entra ID refused the pass: ${itemErrorText(answer)}`,
      });
    else unknown.push({ target, attemptAt });
  }
  if (again.length) {
    await ports.journal.release(again.map((t) => t.userId));
    queue.unshift(...again);
  }
  return async () => {
    const outcomes = [...refused];
    for (const [target, tap] of passes) outcomes.push(await created(ports, target, tap));
    if (unknown.length) outcomes.push(...(await resolveUnknown(ports, unknown)));
    return outcomes;
  };
}

/** A create answered 201: deliver its code, then forget it. */
async function created(ports: ExecutorPorts, target: BatchTarget, tap: TemporaryAccessPass): Promise<ItemOutcome> {
  const { delivered, error } = await ports.deliver(target, tap);
  return {
    userId: target.userId,
    status: 'created',
    passId: tap.id,
    startDateTime: tap.startDateTime,
    delivered,
    error,
  };
}
