/**
 * The Lifecycle page: the state of the card in the open reader, the operation the operator is preparing
 * (Issue, Activate, Unblock, Retire), its live progress and its summary. PINs are arguments passed
 * straight to the workflows and never kept here; the activation PIN lives only in the issue summary, in
 * memory, until the summary is closed. What the card is (state, holder, template version) comes from the
 * service, through the ports of the signed-in operator.
 */
import { AppError, toAppError } from '../app-error';
import { inspectCard, type Card, type CardStatus, type CardTemplateRecord } from '../workflows/lifecycle/inspect';
import type { LifecyclePorts } from '../workflows/lifecycle/types';
import {
  exclusively,
  issueWork,
  prepareActivate,
  prepareRetire,
  prepareUnblock,
  removeCardPassAgain,
  type LifecycleSummary,
  type PassRevocation,
  type PreparedWork,
  type ServicePorts,
  type Work,
} from './lifecycle-operations';
import {
  allowedTransitions,
  applyStepEvent,
  failRunning,
  plannedSteps,
  type ProgressRow,
  type Transition,
} from './lifecycle-page';
import type { ReaderState } from './readers.svelte';
import type { SessionState } from './session.svelte';
import { IssueFormState } from './issue-form.svelte';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { SIGN_IN_WINDOW_TIMEOUT_MS } from '../workflows/operator-session';
export type { LifecycleSummary, PassRevocation, ServicePorts } from './lifecycle-operations';

/** Reactive Lifecycle page state; one instance for the app. */
export class LifecycleState {
  status = $state.raw<CardStatus | null>(null);
  inspecting = $state(false);
  panel = $state<Transition | null>(null);
  /** The Issue form's choices: template, re-authentication, user. */
  readonly issuing: IssueFormState;
  progress = $state.raw<readonly ProgressRow[]>([]);
  running = $state(false);
  error = $state.raw<AppError | null>(null);
  /** Why the card in the reader could not be read (kept apart from `error`, which an operation owns). */
  readError = $state.raw<AppError | null>(null);
  summary = $state.raw<LifecycleSummary | null>(null);
  /** The name of the template the card was issued under, as published now (null when unknown). */
  templateName = $state<string | null>(null);
  /** The running operation takes its PINs from the reader's keypad; its Cancel (`cancelPinEntry`). */
  onReaderRun = $state(false);
  #entry: AbortController | null = null;
  /** The holder is to type on the reader's keypad now: the page says so, with a Cancel. */
  keypadWaiting = $derived(
    this.onReaderRun && this.progress.some((r) => r.status === 'running' && KEYPAD_STEPS.has(r.step)),
  );
  /** Whether the Lifecycle page is on screen: the card is read only then. */
  #visible = false;
  /** Counts visits, so an operation that ends after the operator left cannot show its summary. */
  #visit = 0;

  /** The open reader has a PIN pad that takes a new PIN: the holder types PINs there, never in the page. */
  get pinOnReader(): boolean {
    return this.readers.card?.transport.pinPad?.modify === true;
  }

  holder = $derived(this.status?.record?.holder.name || this.status?.record?.holder.upn || null);
  /** "template “Staff YubiKey” version 2", for a card the service holds as issued under one. */
  issuedUnder = $derived.by(() => {
    const t = this.status?.record?.template;
    if (!t?.id || !this.holder) return null;
    return `template “${this.templateName ?? t.id}” version ${t.version}`;
  });

  constructor(
    private readonly session: SessionState,
    private readonly readers: ReaderState,
    private readonly ports: ServicePorts,
  ) {
    this.issuing = new IssueFormState(session);
    readers.onCardChange(() => {
      if (this.#visible) void this.inspect();
    });
  }

  /** The operator came to the page: read the card in the reader. */
  async enter(): Promise<void> {
    this.#visible = true;
    await this.inspect();
  }

  /** The operator left the page: forget everything shown there, an activation PIN in a summary first. */
  leave(): void {
    this.#visible = false;
    this.#visit++;
    this.summary = null;
    this.cancel();
    this.status = null;
    this.readError = null;
    this.issuing.reset();
    this.templateName = null;
  }

  /** The system of record as the signed-in operator reaches it; `NOT_SIGNED_IN` before sign-in. */
  #ports(): LifecyclePorts {
    const op = this.session.operator;
    if (!op) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    return this.ports(op);
  }

  /** Reads the state of the card in the reader (skipped while an operation runs on it). */
  async inspect(): Promise<void> {
    if (this.running) return;
    const transport = this.readers.card?.transport;
    this.status = null;
    this.readError = null;
    this.templateName = null;
    if (!transport) return;
    this.inspecting = true;
    try {
      const ports = this.#ports();
      const status = await exclusively(transport, () => inspectCard(transport, ports));
      if (this.readers.card?.transport === transport) this.status = status;
      const templateId = status.record?.template.id;
      if (templateId && this.readers.card?.transport === transport)
        this.templateName = (await ports.templates.cardTemplate(templateId).catch(() => null))?.record.name ?? null;
    } catch (e) {
      // A read of a card that has since been replaced (the reader chosen again) must not mask the new one.
      if (this.readers.card?.transport === transport) this.readError = toAppError(e);
    } finally {
      if (this.readers.card?.transport === transport || !this.readers.card) this.inspecting = false;
    }
  }

  /**
   * Opens the form of `transition` after reading the card again (another program, or another machine, may
   * have blocked its PIN since).
   */
  async open(transition: Transition): Promise<void> {
    this.cancel();
    if (!(await this.#stillAllows(transition))) return;
    this.panel = transition;
    if (transition !== 'issue' || !this.status) return;
    try {
      await this.issuing.load(this.status.kind, this.#ports().templates);
    } catch (e) {
      this.error = toAppError(e);
    }
  }

  /** Closes the open form and forgets its choices. */
  cancel(): void {
    this.panel = null;
    this.error = null;
    this.progress = [];
    this.issuing.clear();
  }

  /** Issue, step 2: the operator enters their credentials again; a cancelled sign-in stops the issuance here. */
  async reauthenticate(): Promise<void> {
    this.error = null;
    try {
      await this.issuing.reauthenticate();
    } catch (e) {
      this.error = toAppError(e);
    }
  }

  /** Issue, step 4: binds the card to the chosen user under the chosen template. */
  async issue(): Promise<void> {
    const { template, user, reauthenticated: account } = this.issuing;
    const status = this.status;
    const op = this.session.operator;
    if (!template || !user || !account || !status || !op) return;
    let ports: LifecyclePorts;
    try {
      ports = this.#ports();
    } catch (e) {
      return void (this.error = toAppError(e));
    }
    await this.#operate('issue', template, issueWork(template, user, account, op, ports));
  }

  /** Activate: the holder's activation PIN and new PIN (twice); the TAP per the template. */
  async activate(activationPin: string, newPin: string, repeat: string): Promise<void> {
    const operator = { op: this.session.operator, account: this.session.profile?.account };
    const holder = this.holder ?? '';
    await this.#guarded('activate', (record, ports) =>
      prepareActivate(record, { activationPin, newPin, repeat }, holder, operator, ports),
    );
  }

  /** Activate on a PIN-pad reader: the holder types the activation PIN and the new PIN (twice) on its keypad. */
  async activateOnReader(): Promise<void> {
    const operator = { op: this.session.operator, account: this.session.profile?.account };
    const holder = this.holder ?? '';
    await this.#onReader((signal) =>
      this.#guarded('activate', (record, ports) =>
        prepareActivate(record, { onReader: true, signal }, holder, operator, ports),
      ),
    );
  }

  /** Unblock: the holder's new PIN (twice), set with the PUK derived for this card. */
  async unblock(newPin: string, repeat: string): Promise<void> {
    const holder = this.holder ?? '';
    await this.#guarded('unblock', (record, ports) => prepareUnblock(record, { newPin, repeat }, holder, ports));
  }

  /** Unblock on a PIN-pad reader: the holder types the new PIN (twice) on its keypad. */
  async unblockOnReader(): Promise<void> {
    const holder = this.holder ?? '';
    await this.#onReader((signal) =>
      this.#guarded('unblock', (record, ports) => prepareUnblock(record, { onReader: true, signal }, holder, ports)),
    );
  }

  /** Ends the PIN entry on the reader's keypad (the operation fails as cancelled, nothing changed). */
  cancelPinEntry(): void {
    this.#entry?.abort();
  }

  async #onReader(run: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const entry = new AbortController();
    this.#entry = entry;
    this.onReaderRun = true;
    try {
      await run(entry.signal);
    } finally {
      this.#entry = null;
      this.onReaderRun = false;
    }
  }

  /**
   * Reads the card again; false, with the form closed and the reason shown, when `transition` no longer
   * applies (its PIN blocked by another program, say, so the card is Locked now).
   */
  async #stillAllows(transition: Transition): Promise<boolean> {
    await this.inspect();
    const state = this.status?.state;
    if (state && allowedTransitions(state).includes(transition)) return true;
    this.panel = null;
    this.error =
      this.readError ??
      new AppError('state', 'CARD_CHANGED', `The card read again is ${state ?? 'unknown'}`, {
        state: state ?? null,
        transition,
      });
    return false;
  }

  /** Retire (after the page's confirmation): keys destroyed, binding removed, the card's pass removed. */
  async retire(): Promise<void> {
    const holder = this.holder ?? '';
    await this.#guarded('retire', (_, ports) => prepareRetire(holder, this.session.operator, ports));
  }

  /** Tries again to remove a retired card's pass (Graph refused at retirement): what became of it. */
  removePassAgain(cardId: string, holder: string): Promise<PassRevocation> {
    return removeCardPassAgain(this.#ports(), this.session.operator, cardId, holder);
  }

  /** Closes the summary; an activation PIN shown in it is gone for good. */
  closeSummary(): void {
    this.summary = null;
  }

  /** Checks preconditions (which throw before the card is touched), then runs the operation. */
  async #guarded(
    operation: Exclude<Transition, 'issue'>,
    prepare: (record: Card, ports: LifecyclePorts) => Promise<PreparedWork>,
  ): Promise<void> {
    this.error = null;
    if (!(await this.#stillAllows(operation))) return;
    const record = this.status?.record;
    if (!record) return;
    let prepared: PreparedWork;
    try {
      prepared = await prepare(record, this.#ports());
    } catch (e) {
      this.error = toAppError(e);
      return;
    }
    await this.#operate(operation, prepared.template, prepared.work);
  }

  async #operate(operation: Transition, template: CardTemplateRecord | null, work: Work): Promise<void> {
    const transport = this.readers.card?.transport;
    if (!transport || !this.status)
      return void (this.error = new AppError('state', 'CARD_NOT_OPEN', 'Put the card in the reader first.'));
    this.error = null;
    this.running = true;
    this.progress = plannedSteps(operation, this.status, template);
    const visit = this.#visit;
    // What an operation shows belongs to the visit that started it.
    const here = () => visit === this.#visit;
    try {
      const summary = await exclusively(transport, () =>
        work(transport, (event) => here() && (this.progress = applyStepEvent(this.progress, event))),
      );
      if (here()) {
        this.summary = summary;
        this.panel = null;
      }
    } catch (e) {
      if (here()) {
        this.progress = failRunning(this.progress);
        this.error = toAppError(e);
      }
    } finally {
      this.running = false;
    }
    if (!this.#visible) return;
    await this.inspect();
    // A form whose arrow the card no longer has (three wrong activation PINs: Locked) closes; its error stays.
    if (this.panel && this.status && !allowedTransitions(this.status.state).includes(this.panel)) this.panel = null;
  }
}

/** The steps that wait for the holder at a PIN-pad reader's keypad. */
const KEYPAD_STEPS: ReadonlySet<string> = new Set(['change-pin', 'reset-retry-counter']);
