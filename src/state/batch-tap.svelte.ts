/**
 * Actions > Batch TAP: choose an Entra group or upload a CSV of user principal names, pick the card
 * template whose pass options apply, preview who gets a pass and who is skipped (and why), start, and
 * follow the run (pause, resume, cancel) to its report. The batch lives in the relay's store: a page
 * opened again finds the batch it left running and resumes it. No code ever reaches this state.
 */
import { toAppError, type AppError } from '../app-error';
import {
  batchItems,
  batchTemplates,
  beginBatch,
  changeBatchState,
  findGroups,
  findOpenBatches,
  newWriteBudget,
  parseUpnCsv,
  previewSource,
  previewSummary,
  readBatch,
  runBatchAs,
  type Batch,
  type BatchOperatorContext,
  type BatchSource,
  type DirectoryGroup,
  type Eligibility,
} from '../workflows/batch-tap/operator-batch';
import type { ServicePorts } from './lifecycle-operations';
import { runGuarded } from './guarded';
import type { SessionState } from './session.svelte';
import { batchProgress, type BatchProgress } from './batch-progress';

export { reportCsv, RESULT_WORDS } from '../workflows/batch-tap/operator-batch';
export type { Batch, BatchProgress, BatchSource, DirectoryGroup, Eligibility };
export type BatchTemplate = Awaited<ReturnType<typeof batchTemplates>>[number];

/** Reactive state of the Batch TAP page. */
export class BatchTapState {
  groupQuery = $state('');
  groups = $state.raw<readonly DirectoryGroup[]>([]);
  source = $state.raw<BatchSource | null>(null);
  templates = $state.raw<readonly BatchTemplate[]>([]);
  templateId = $state<string | null>(null);
  /** The preview: every user with their grant or the reason they are skipped. */
  rows = $state.raw<readonly Eligibility[] | null>(null);
  /** The batch in the relay's store (its counts and items), once started or found open. */
  batch = $state.raw<Batch | null>(null);
  /** This page is sending the batch now. */
  running = $state(false);
  /** What the operator asked the run to do next. */
  request = $state<'run' | 'pause' | 'cancel'>('run');
  busy = $state(false);
  error = $state.raw<AppError | null>(null);
  /** When this page started (or resumed) sending, and how many were settled then: for the time left. */
  #since = $state.raw<{ at: number; settled: number } | null>(null);
  #now = $state(Date.now());
  #refreshing = false;

  constructor(
    private readonly session: SessionState,
    private readonly ports: ServicePorts,
    /** Words for a skip reason (the one describeError), stored with the batch. */
    private readonly describe: (e: AppError) => string,
  ) {}

  /** Counts and time left of the batch. */
  get progress(): BatchProgress | null {
    return this.batch ? batchProgress(this.batch, this.#since, this.#now, newWriteBudget().writesPerSecond) : null;
  }

  /** The preview's counts. */
  get summary() {
    return this.rows ? previewSummary(this.rows) : null;
  }

  /** Loads the templates and the batch left open, and resumes it when it was running. */
  async open(): Promise<void> {
    const ctx = this.#context();
    if (!ctx) return;
    await this.#guard(async () => {
      this.templates = await batchTemplates(ctx);
      this.templateId ??= this.templates[0]?.record.id ?? null;
      if (this.running) return;
      const mine = (await findOpenBatches(ctx.op)).find((b) => b.createdBy.oid === ctx.account.objectId);
      if (!mine) return;
      this.batch = await readBatch(ctx.op, mine.batchId);
    });
    if (this.batch?.state === 'running' && !this.running) void this.#run(this.batch.batchId);
  }

  /** Searches Entra groups by name. */
  async searchGroups(): Promise<void> {
    const ctx = this.#context();
    if (!ctx || !this.groupQuery.trim()) return;
    await this.#guard(async () => {
      this.groups = await findGroups(ctx.op, this.groupQuery);
    });
  }

  /** The group's transitive members are the batch's users. */
  chooseGroup(group: DirectoryGroup): void {
    this.source = { kind: 'group', id: group.id, label: group.displayName };
    this.rows = null;
  }

  /** The UPNs of an uploaded CSV are the batch's users; a bad file is said in words. */
  loadCsv(name: string, text: string): void {
    this.error = null;
    this.rows = null;
    try {
      this.source = { kind: 'csv', label: name, upns: parseUpnCsv(text) };
    } catch (e) {
      this.source = null;
      this.error = e as AppError;
    }
  }

  chooseTemplate(id: string): void {
    this.templateId = id;
    this.rows = null;
  }

  /** Reads and decides every user (nothing is created). */
  async preview(): Promise<void> {
    const ctx = this.#context();
    const { source, templateId } = this;
    if (!ctx || !source || !templateId) return;
    await this.#guard(async () => {
      this.rows = await previewSource(ctx, source, templateId);
    });
  }

  /** Stores the batch in the relay and starts sending. */
  async start(): Promise<void> {
    const ctx = this.#context();
    const { source, templateId, rows } = this;
    if (!ctx || !source || !templateId || !rows || this.summary?.eligible === 0) return;
    await this.#guard(async () => {
      this.batch = await beginBatch(ctx.op, source, templateId, batchItems(rows, this.describe));
      this.rows = null;
    });
    if (this.batch?.state === 'running') void this.#run(this.batch.batchId);
  }

  /** Pauses after the Graph batches in flight. */
  pause(): void {
    if (this.running) this.request = 'pause';
  }

  /** Resumes a paused batch. */
  async resume(): Promise<void> {
    const ctx = this.#context();
    const batch = this.batch;
    if (!ctx || !batch || batch.state !== 'paused' || this.running) return;
    await this.#guard(async () => {
      this.batch = await changeBatchState(ctx.op, batch.batchId, 'running');
    });
    if (this.batch?.state === 'running') void this.#run(batch.batchId);
  }

  /** Cancels: what is in flight finishes, nothing more is sent. */
  async cancel(): Promise<void> {
    const ctx = this.#context();
    const batch = this.batch;
    if (!ctx || !batch) return;
    if (this.running) {
      this.request = 'cancel';
      return;
    }
    if (batch.state !== 'paused' && batch.state !== 'running') return;
    await this.#guard(async () => {
      this.batch = await changeBatchState(ctx.op, batch.batchId, 'cancelled');
    });
  }

  /** Puts a finished or cancelled batch away, to prepare another. */
  startOver(): void {
    if (this.running) return;
    this.batch = null;
    this.rows = null;
    this.source = null;
    this.groups = [];
  }

  async #run(batchId: string): Promise<void> {
    const ctx = this.#context();
    if (!ctx || this.running) return;
    this.running = true;
    this.request = 'run';
    const settled = (b: Batch | null) => (b ? b.counts.created + b.counts.failed : 0);
    this.#since = { at: Date.now(), settled: settled(this.batch) };
    this.error = null;
    try {
      await runBatchAs(ctx.op, batchId, newWriteBudget(), {
        control: () => this.request,
        onSettled: () => void this.#refresh(ctx, batchId),
      });
    } catch (e) {
      this.error = toAppError(e);
    } finally {
      this.running = false;
      this.#since = null;
    }
    await this.#refresh(ctx, batchId, true);
  }

  /** Reads the batch again (one read at a time; a settle meanwhile is covered by the next). */
  async #refresh(ctx: BatchOperatorContext, batchId: string, last = false): Promise<void> {
    this.#now = Date.now();
    if (this.#refreshing && !last) return;
    this.#refreshing = true;
    try {
      const batch = await readBatch(ctx.op, batchId);
      if (this.running || last) this.batch = batch;
    } catch {
      // The run records its own outcomes; a missed read only delays the bar.
    } finally {
      this.#refreshing = false;
    }
  }

  #context(): BatchOperatorContext | null {
    const op = this.session.operator;
    const profile = this.session.profile;
    if (!op || !profile) return null;
    return { op, account: profile.account, tap: profile.tap, ports: this.ports(op) };
  }

  #guard(work: () => Promise<unknown>): Promise<void> {
    return runGuarded(this, work);
  }
}
