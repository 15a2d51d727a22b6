/**
 * The Lifecycle page: the state of the card in the open reader, the operation the operator is preparing
 * (Issue, Activate, Unblock, Retire), its live progress and its summary. PINs are arguments passed
 * straight to the workflows and never kept here; the activation PIN lives only in the issue summary, in
 * memory, until the summary is closed. What the card is (state, holder, template version) comes from the
 * service, through the ports of the signed-in operator.
 */
import { AppError, toAppError } from '../app-error';
import type { Card, CardTemplateRecord } from '../workflows/lifecycle/inspect';
import type { LifecyclePorts } from '../workflows/lifecycle/types';
import {
  exclusively,
  issueWork,
  prepareActivate,
  prepareRetire,
  prepareUnblock,
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
import { CardReadingState } from './card-reading.svelte';
import { IssueFormState } from './issue-form.svelte';
import { LifecycleSummaryState } from './lifecycle-summary.svelte';
import { ReaderKeypadState } from './reader-keypad.svelte';
import type { ReaderState } from './readers.svelte';
import type { SessionState } from './session.svelte';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { SIGN_IN_WINDOW_TIMEOUT_MS } from '../workflows/operator-session';
export type { LifecycleSummary, PassRevocation, ServicePorts } from './lifecycle-operations';
export type { HeldEmailState } from './held-email.svelte';

/** Reactive Lifecycle page state; one instance for the app. */
export class LifecycleState {
  /** The card in the reader as read: its state, holder and template. */
  readonly card: CardReadingState;
  panel = $state<Transition | null>(null);
  /** The Issue form's choices: template, re-authentication, user. */
  readonly issuing: IssueFormState;
  progress = $state.raw<readonly ProgressRow[]>([]);
  running = $state(false);
  /** PIN entry on the reader's keypad, for a reader with a PIN pad. */
  readonly keypad: ReaderKeypadState;
  error = $state.raw<AppError | null>(null);
  /** The summary of the last operation, with the emails it held for the operator. */
  readonly result: LifecycleSummaryState;
  /** Counts visits, so an operation that ends after the operator left cannot show its summary. */
  #visit = 0;

  constructor(
    private readonly session: SessionState,
    private readonly readers: ReaderState,
    private readonly ports: ServicePorts,
  ) {
    this.card = new CardReadingState(
      readers,
      () => this.#ports(),
      () => this.running,
    );
    this.issuing = new IssueFormState(session);
    this.keypad = new ReaderKeypadState(readers, () => this.progress);
    this.result = new LifecycleSummaryState(session, ports);
  }

  /** The operator came to the page: read the card in the reader. */
  async enter(): Promise<void> {
    this.card.shown = true;
    await this.card.read();
  }

  /** The operator left the page: forget everything shown there, an activation PIN in a summary first. */
  leave(): void {
    this.card.shown = false;
    this.#visit++;
    this.result.show(null);
    this.cancel();
    this.card.forget();
    this.issuing.reset();
  }

  /** The system of record as the signed-in operator reaches it; `NOT_SIGNED_IN` before sign-in. */
  #ports(): LifecyclePorts {
    const op = this.session.operator;
    if (!op) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    return this.ports(op);
  }

  /**
   * Opens the form of `transition` after reading the card again (another program, or another machine, may
   * have blocked its PIN since).
   */
  async open(transition: Transition): Promise<void> {
    this.cancel();
    if (!(await this.#stillAllows(transition))) return;
    this.panel = transition;
    const status = this.card.status;
    if (transition === 'issue' && status)
      await this.#shown(() => this.issuing.load(status.kind, this.#ports().templates));
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
    await this.#shown(() => this.issuing.reauthenticate());
  }

  /** Issue, step 4: binds the card to the chosen user under the chosen template. */
  async issue(): Promise<void> {
    const { template, user, reauthenticated: account } = this.issuing;
    const op = this.session.operator;
    if (!template || !user || !account || !this.card.status || !op) return;
    const ports = await this.#shown(() => this.#ports());
    if (ports) await this.#operate('issue', template, issueWork(template, user, account, op, ports));
  }

  /** Activate: the holder's activation PIN and new PIN (twice); the TAP per the template. */
  activate(activationPin: string, newPin: string, repeat: string): Promise<void> {
    return this.#activate({ activationPin, newPin, repeat });
  }

  /** Activate on a PIN-pad reader: the holder types the activation PIN and the new PIN (twice) on its keypad. */
  activateOnReader(): Promise<void> {
    return this.keypad.run((signal) => this.#activate({ onReader: true, signal }));
  }

  #activate(pins: Parameters<typeof prepareActivate>[1]): Promise<void> {
    const operator = { op: this.session.operator, account: this.session.profile?.account };
    const holder = this.card.holder ?? '';
    return this.#guarded('activate', (record, ports) => prepareActivate(record, pins, holder, operator, ports));
  }

  /** Unblock: the holder's new PIN (twice), set with the PUK derived for this card. */
  unblock(newPin: string, repeat: string): Promise<void> {
    return this.#unblock({ newPin, repeat });
  }

  /** Unblock on a PIN-pad reader: the holder types the new PIN (twice) on its keypad. */
  unblockOnReader(): Promise<void> {
    return this.keypad.run((signal) => this.#unblock({ onReader: true, signal }));
  }

  #unblock(pins: Parameters<typeof prepareUnblock>[1]): Promise<void> {
    const holder = this.card.holder ?? '';
    return this.#guarded('unblock', (record, ports) => prepareUnblock(record, pins, holder, ports));
  }

  /**
   * Reads the card again; false, with the form closed and the reason shown, when `transition` no longer
   * applies (its PIN blocked by another program, say, so the card is Locked now).
   */
  async #stillAllows(transition: Transition): Promise<boolean> {
    await this.card.read();
    const refusal = this.card.refusal(transition);
    if (!refusal) return true;
    this.panel = null;
    this.error = refusal;
    return false;
  }

  /** Retire (after the page's confirmation): keys destroyed, binding removed, the card's pass removed. */
  async retire(): Promise<void> {
    const holder = this.card.holder ?? '';
    await this.#guarded('retire', (_, ports) => prepareRetire(holder, this.session.operator, ports));
  }

  /** Closes the summary; an activation PIN shown in it, or a pass code in a held email, is gone for good. */
  closeSummary(): void {
    this.result.show(null);
  }

  /** Checks preconditions (which throw before the card is touched), then runs the operation. */
  async #guarded(
    operation: Exclude<Transition, 'issue'>,
    prepare: (record: Card, ports: LifecyclePorts) => Promise<PreparedWork>,
  ): Promise<void> {
    this.error = null;
    if (!(await this.#stillAllows(operation))) return;
    const record = this.card.status?.record;
    if (!record) return;
    const prepared = await this.#shown(() => prepare(record, this.#ports()));
    if (prepared) await this.#operate(operation, prepared.template, prepared.work);
  }

  /** Runs `step`; what it throws becomes the page's error (and the result undefined). */
  async #shown<T>(step: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (e) {
      this.error = toAppError(e);
      return undefined;
    }
  }

  async #operate(operation: Transition, template: CardTemplateRecord | null, work: Work): Promise<void> {
    const transport = this.readers.card?.transport;
    const status = this.card.status;
    if (!transport || !status)
      return void (this.error = new AppError('state', 'CARD_NOT_OPEN', 'Put the card in the reader first.'));
    this.error = null;
    this.running = true;
    this.progress = plannedSteps(operation, status, template);
    const visit = this.#visit;
    // What an operation shows belongs to the visit that started it.
    const here = () => visit === this.#visit;
    try {
      const summary = await exclusively(transport, () =>
        work(transport, (event) => here() && (this.progress = applyStepEvent(this.progress, event))),
      );
      if (here()) {
        this.result.show(summary);
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
    if (!this.card.shown) return;
    await this.card.read();
    // A form whose arrow the card no longer has (three wrong activation PINs: Locked) closes; its error stays.
    const read = this.card.status;
    if (this.panel && read && !allowedTransitions(read.state).includes(this.panel)) this.panel = null;
  }
}
