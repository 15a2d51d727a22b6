/**
 * A journalled run of one lifecycle operation on one card: a `before` line, the card work, a check that
 * the work took, an `after` line, for every step; a `done` (or `rolled-back`) line at the end. A run that
 * stops in between (card pulled, tab closed) is found again by `lastUnfinishedRun` and continued under
 * the same run id. No secret is ever put in a line.
 */
import { appendJournal, lastUnfinishedRun, type JournalRecord } from '../../store/journal';
import type { StepId, StepOf } from './steps';
import type { LifecycleOperation, OnStep, StepEvent } from './types';

type Detail = Readonly<Record<string, string | number | boolean | null>>;

/** An unfinished run found in the journal. */
export type UnfinishedRun = NonNullable<Awaited<ReturnType<typeof lastUnfinishedRun>>>;

/** One run of operation `O`; create it with `LifecycleRun.begin`. Its steps are the catalogue's steps of `O`. */
export class LifecycleRun<O extends LifecycleOperation = LifecycleOperation> {
  readonly #events: StepEvent[] = [];
  /** This attempt's own lines, as journalled. */
  readonly #lines: Omit<JournalRecord, 'seq'>[] = [];
  /** The step begun and not yet ended (its card work threw, or is under way). */
  #open: StepId | undefined;

  private constructor(
    readonly cardId: string,
    readonly operation: O,
    readonly runId: string,
    /** Lines of the interrupted run this one continues (empty for a fresh run). */
    readonly previous: readonly JournalRecord[],
    private readonly onStep: OnStep,
  ) {}

  /**
   * Starts a run of `operation` on `cardId`, continuing `unfinished` when it is a run of the same
   * operation (same run id), else a fresh one.
   */
  static begin<O extends LifecycleOperation>(
    cardId: string,
    operation: O,
    onStep: OnStep = () => undefined,
    unfinished?: UnfinishedRun,
  ): LifecycleRun<O> {
    if (unfinished && unfinished.operation === operation)
      return new LifecycleRun(cardId, operation, unfinished.runId, unfinished.lines, onStep);
    return new LifecycleRun(cardId, operation, crypto.randomUUID(), [], onStep);
  }

  /** True when this run continues an interrupted one. */
  get resumed(): boolean {
    return this.previous.length > 0;
  }

  /** True when the interrupted run had started `step` (its card work may or may not have happened). */
  startedBefore(step: StepOf<O>): boolean {
    return this.previous.some((l) => l.step === step && l.phase === 'before');
  }

  /** Every line of the run: the interrupted run's, then this attempt's. No line carries a secret. */
  get lines(): readonly Omit<JournalRecord, 'seq'>[] {
    return [...this.previous, ...this.#lines];
  }

  /** True when the run (this attempt or the one it continues) began `step`: its card work may have happened. */
  began(step: StepOf<O>): boolean {
    return this.lines.some((l) => l.step === step && l.phase === 'before');
  }

  /** True when the run (this attempt or the one it continues) ended `step` with its work verified (not skipped). */
  ended(step: StepOf<O>): boolean {
    return this.lines.some((l) => l.step === step && l.phase === 'after' && l.detail?.skipped !== true);
  }

  /** The step this attempt began and did not end: the one whose card work threw. */
  get openStep(): StepId | undefined {
    return this.#open;
  }

  /** What happened, in order, for the summary. */
  get events(): readonly StepEvent[] {
    return this.#events;
  }

  async #line(step: StepId | 'end', phase: JournalRecord['phase'], detail?: Detail): Promise<void> {
    const line = {
      cardId: this.cardId,
      runId: this.runId,
      operation: this.operation,
      step,
      phase,
      at: new Date().toISOString(),
      ...(detail ? { detail } : {}),
    };
    await appendJournal(line);
    this.#lines.push(line);
  }

  #emit(step: StepId, phase: StepEvent['phase'], detail?: Detail): void {
    const event: StepEvent = { operation: this.operation, step, phase, ...(detail ? { detail } : {}) };
    if (phase !== 'start') this.#events.push(event);
    this.onStep(event);
  }

  /**
   * Journals `before`, runs `work` (which must throw unless the card work is verified), journals
   * `after` with `describe(result)`.
   */
  async step<T>(
    step: StepOf<O>,
    work: () => Promise<T>,
    describe?: (result: T) => Detail,
    before?: Detail,
  ): Promise<T> {
    await this.#line(step, 'before', before);
    this.#open = step;
    this.#emit(step, 'start', before);
    const result = await work();
    const detail = describe?.(result);
    await this.#line(step, 'after', detail);
    this.#open = undefined;
    this.#emit(step, 'done', detail);
    return result;
  }

  /** Records a step the card already had (found by checking the card, not by trusting the journal). */
  async skip(step: StepOf<O>, detail: Detail = {}): Promise<void> {
    await this.#line(step, 'after', { ...detail, skipped: true });
    this.#emit(step, 'skipped', detail);
  }

  /** Closes the run as finished. */
  async finish(detail?: Detail): Promise<void> {
    await this.#line('end', 'done', detail);
  }

  /** Closes the run as rolled back (the card is back to blank, or the run was superseded). */
  async rollBack(detail?: Detail): Promise<void> {
    await this.#line('end', 'rolled-back', detail);
  }
}

/** Closes someone else's interrupted run as rolled back (superseded by `by`). */
export async function closeAsRolledBack(run: UnfinishedRun, cardId: string, by: string): Promise<void> {
  await appendJournal({
    cardId,
    runId: run.runId,
    operation: run.operation,
    step: 'end',
    phase: 'rolled-back',
    at: new Date().toISOString(),
    detail: { supersededBy: by },
  });
}
