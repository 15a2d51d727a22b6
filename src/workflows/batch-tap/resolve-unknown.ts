/**
 * Resolves creates whose outcome is unknown by reading, never by creating again: the user's pass
 * methods are read (GET, in `$batch`es of 20); a pass created at or after the attempt (less a clock
 * allowance between this browser and Graph) is the one that landed. Its code was never seen, so it is
 * reported as created and not delivered. No such pass: the create did not land, and the user is reported
 * as failed (a new batch, or Smart Card Unblock, can create one). Reads that fail are tried again after
 * their Retry-After, a few times; after that the item stays unknown in words.
 */
import { GRAPH_BATCH_LIMIT, type BatchItemResponse, type BatchRequest } from '../../entra/graph-batch';
import type { TemporaryAccessPass } from '../../entra/tap';
import type { Clock } from './write-budget';
import type { InFlight, ItemOutcome } from './executor';

/** Graph's clock and this browser's may differ; a pass created this much before the attempt still counts. */
export const CLOCK_ALLOWANCE_MS = 60_000;
const READ_ROUNDS = 5;

/** The `$batch` item URL of a user's pass methods. */
export const tapUrl = (userId: string) =>
  `/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`;

/** Words for a pass that landed unseen. */
export const CODE_LOST =
  "The pass was created, but Graph's answer was lost, so its code is unknown and no email was sent. Create a new pass for this user on Smart Card Unblock.";
/** Words for a create that did not land. */
export const NOT_CREATED =
  'Graph did not confirm the pass, and the user has no pass from this batch, so none was created. Run a new batch for this user, or use Smart Card Unblock.';
/** Words for an item that could not be resolved. */
export const STILL_UNKNOWN =
  "Graph did not confirm the pass and the user's passes could not be read. Check the user's Temporary Access Pass in Entra ID before creating another.";

interface ResolvePorts {
  readonly send: (requests: readonly BatchRequest[]) => Promise<BatchItemResponse[]>;
  readonly clock: Clock;
}

function verdict(item: InFlight, answer: BatchItemResponse): ItemOutcome | null {
  if (answer.status !== 200) return null;
  const passes = ((answer.body as { value?: TemporaryAccessPass[] } | undefined)?.value ?? []).filter(
    (p) => Date.parse(p.createdDateTime) >= Date.parse(item.attemptAt) - CLOCK_ALLOWANCE_MS,
  );
  const pass = passes[0];
  if (!pass) return { userId: item.target.userId, status: 'failed', error: NOT_CREATED };
  return {
    userId: item.target.userId,
    status: 'created',
    passId: pass.id,
    startDateTime: pass.startDateTime,
    delivered: false,
    error: CODE_LOST,
  };
}

/** Reads the passes of `items` and settles each. */
export async function resolveUnknown(ports: ResolvePorts, items: readonly InFlight[]): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  let open = [...items];
  for (let round = 0; round < READ_ROUNDS && open.length; round++) {
    const retry: InFlight[] = [];
    let wait = 0;
    for (let i = 0; i < open.length; i += GRAPH_BATCH_LIMIT) {
      const chunk = open.slice(i, i + GRAPH_BATCH_LIMIT);
      let answers: BatchItemResponse[];
      try {
        answers = await ports.send(
          chunk.map((f, j) => ({ id: String(j), method: 'GET', url: tapUrl(f.target.userId) })),
        );
      } catch {
        retry.push(...chunk);
        wait = Math.max(wait, 1);
        continue;
      }
      for (const [j, answer] of answers.entries()) {
        const settled = verdict(chunk[j]!, answer);
        if (settled) outcomes.push(settled);
        else {
          retry.push(chunk[j]!);
          wait = Math.max(wait, answer.retryAfterSeconds ?? 1);
        }
      }
    }
    open = retry;
    if (open.length && round + 1 < READ_ROUNDS) await ports.clock.sleep(wait * 1000);
  }
  for (const item of open) outcomes.push({ userId: item.target.userId, status: 'failed', error: STILL_UNKNOWN });
  return outcomes;
}
