/**
 * The Lifecycle page: the state of the card in the open reader, the operation the operator is preparing
 * (Issue, Activate, Unblock, Retire), its live progress and its summary. PINs are arguments passed
 * straight to the workflows and never kept here; the activation PIN lives only in the issue summary, in
 * memory, until the summary is closed.
 */
import { AppError, isAppError, toAppError } from '../app-error';
import type { ActivateSummary } from '../workflows/lifecycle/activate';
import type { IssueSummary } from '../workflows/lifecycle/issue';
import type { RetireSummary } from '../workflows/lifecycle/retire';
import type { StepEvent } from '../workflows/lifecycle/types';
import type { UnblockSummary } from '../workflows/lifecycle/unblock';

// The card operations (PIV, crypto, CSR with @peculiar/x509) load on first use, keeping the first screen small.
const operations = () =>
  Promise.all([
    import('../workflows/lifecycle/issue'),
    import('../workflows/lifecycle/activate'),
    import('../workflows/lifecycle/unblock'),
    import('../workflows/lifecycle/retire'),
  ]).then(([i, a, u, r]) => ({
    issueCard: i.issueCard,
    activateCard: a.activateCard,
    unblockCard: u.unblockCard,
    retireCard: r.retireCard,
  }));
import {
  checkNewPin,
  inspectCard,
  issuingTemplates,
  requireMasterKey,
  templateOfCard,
  type CardStatus,
  type CardTemplateRecord,
  type CardTransport,
  type RegistryRecord,
} from '../workflows/lifecycle/inspect';
import { tapContext, type DirectoryUser, type SignedInAccount } from '../workflows/helpdesk';
import { applyStepEvent, failRunning, plannedSteps, type ProgressRow, type Transition } from './lifecycle-page';
import type { ReaderState } from './readers.svelte';
import type { SessionState } from './session.svelte';
import { UserSearchState } from './user-search.svelte';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { SIGN_IN_WINDOW_TIMEOUT_MS } from '../workflows/operator-session';

/** What the summary dialog shows, per operation. */
export type LifecycleSummary =
  | {
      readonly operation: 'issue';
      readonly result: IssueSummary;
      readonly holder: string;
      readonly template: CardTemplateRecord;
    }
  | {
      readonly operation: 'activate';
      readonly result: ActivateSummary;
      readonly holder: string;
      readonly template: CardTemplateRecord;
    }
  | { readonly operation: 'unblock'; readonly result: UnblockSummary; readonly holder: string }
  | { readonly operation: 'retire'; readonly result: RetireSummary; readonly holder: string };

/** The card work of one operation, reporting each step. */
type Work = (transport: CardTransport, onStep: (e: StepEvent) => void) => Promise<LifecycleSummary>;

/** Runs `work` with the card to itself where the transport has to arrange that (the PC/SC bridge); a WebUSB reader is ours already. */
const exclusively = <T>(transport: CardTransport, work: () => Promise<T>): Promise<T> =>
  transport.transaction ? transport.transaction(work) : work();

/** Reactive Lifecycle page state; one instance for the app. */
export class LifecycleState {
  status = $state.raw<CardStatus | null>(null);
  inspecting = $state(false);
  panel = $state<Transition | null>(null);
  templates = $state.raw<readonly CardTemplateRecord[]>([]);
  templateId = $state<string | null>(null);
  /** The operator who re-authenticated for this issuance (the "operator passcode"). */
  reauthenticated = $state.raw<SignedInAccount | null>(null);
  /** True while the sign-in window of the re-authentication is open. */
  reauthenticating = $state(false);
  /** Issue, step 3: the Entra user the card is bound to. */
  readonly search: UserSearchState;
  user = $state.raw<DirectoryUser | null>(null);
  progress = $state.raw<readonly ProgressRow[]>([]);
  running = $state(false);
  error = $state.raw<AppError | null>(null);
  /** Why the card in the reader could not be read (kept apart from `error`, which an operation owns). */
  readError = $state.raw<AppError | null>(null);
  summary = $state.raw<LifecycleSummary | null>(null);
  /** Whether the Lifecycle page is on screen: the card is read only then. */
  #visible = false;
  /** Counts visits, so an operation that ends after the operator left cannot show its summary. */
  #visit = 0;

  template = $derived(this.templates.find((t) => t.id === this.templateId) ?? null);
  holder = $derived(this.status?.record?.userDisplayName ?? this.status?.record?.userUpn ?? null);

  constructor(
    private readonly session: SessionState,
    private readonly readers: ReaderState,
  ) {
    this.search = new UserSearchState(session);
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
    this.templates = [];
    this.templateId = null;
  }

  /** Reads the state of the card in the reader (skipped while an operation runs on it). */
  async inspect(): Promise<void> {
    if (this.running) return;
    const transport = this.readers.card?.transport;
    this.status = null;
    this.readError = null;
    if (!transport) return;
    this.inspecting = true;
    try {
      const status = await exclusively(transport, () => inspectCard(transport));
      if (this.readers.card?.transport === transport) this.status = status;
    } catch (e) {
      // A read of a card that has since been replaced (the reader chosen again) must not mask the new one.
      if (this.readers.card?.transport === transport) this.readError = toAppError(e);
    } finally {
      if (this.readers.card?.transport === transport || !this.readers.card) this.inspecting = false;
    }
  }

  /** Opens the form of `transition`; Issue refuses at once without a master key. */
  async open(transition: Transition): Promise<void> {
    this.cancel();
    this.panel = transition;
    if (transition !== 'issue' || !this.status) return;
    try {
      await requireMasterKey();
      this.templates = await issuingTemplates(this.status.kind);
      this.templateId = this.templates[0]?.id ?? null;
    } catch (e) {
      this.error = toAppError(e);
    }
  }

  /** Closes the open form and forgets its choices. */
  cancel(): void {
    this.panel = null;
    this.error = null;
    this.progress = [];
    this.reauthenticated = null;
    this.user = null;
    this.search.clear();
  }

  /** Issue, step 2: the operator enters their credentials again; a cancelled sign-in stops the issuance here. */
  async reauthenticate(): Promise<void> {
    const op = this.session.operator;
    this.error = null;
    if (!op) return void (this.error = new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.'));
    this.reauthenticating = true;
    try {
      const account = await op.reauthenticate();
      const expected = this.session.profile?.account.objectId;
      if (expected && account.objectId !== expected)
        throw new AppError('state', 'REAUTH_OTHER_ACCOUNT', 'Another account re-authenticated.', {
          expected,
          got: account.username,
        });
      this.reauthenticated = account;
    } catch (e) {
      this.error = isAppError(e, 'entra', 'SIGN_IN_CANCELLED')
        ? new AppError('state', 'REAUTH_CANCELLED', 'Re-authentication was cancelled.')
        : toAppError(e);
    } finally {
      this.reauthenticating = false;
    }
  }

  /** Issue, step 4: binds the card to the chosen user under the chosen template. */
  async issue(): Promise<void> {
    const { template, user, reauthenticated: account, status } = this;
    const op = this.session.operator;
    if (!template || !user || !account || !status || !op) return;
    const holder = {
      id: user.id,
      upn: user.userPrincipalName,
      displayName: user.displayName ?? user.userPrincipalName,
    };
    await this.#operate('issue', template, async (transport, onStep) => {
      const result = await (
        await operations()
      ).issueCard({
        transport,
        masterKey: await requireMasterKey(),
        template,
        user: holder,
        onStep,
        operator: { oid: account.objectId, name: account.name, upn: account.username },
        sendMail: tapContext(op, account).sendMail,
      });
      return { operation: 'issue', result, holder: holder.displayName, template };
    });
  }

  /** Activate: the holder's activation PIN and new PIN (twice); the TAP per the template. */
  async activate(activationPin: string, newPin: string, repeat: string): Promise<void> {
    const op = this.session.operator;
    const account = this.session.profile?.account;
    const holder = this.holder ?? '';
    await this.#guarded('activate', async (record) => {
      const template = await templateOfCard(record);
      checkNewPin(newPin, repeat, template);
      const ctx = op && account ? tapContext(op, account) : undefined;
      return {
        template,
        work: async (transport, onStep) => ({
          operation: 'activate',
          holder,
          template,
          result: await (
            await operations()
          ).activateCard({ transport, activationPin, newPin, template, onStep, ...(ctx ? { tapContext: ctx } : {}) }),
        }),
      };
    });
  }

  /** Unblock: the holder's new PIN (twice), set with the PUK derived for this card. */
  async unblock(newPin: string, repeat: string): Promise<void> {
    const holder = this.holder ?? '';
    await this.#guarded('unblock', async (record) => {
      const template = await templateOfCard(record);
      checkNewPin(newPin, repeat, template);
      const masterKey = await requireMasterKey();
      return {
        template,
        work: async (transport, onStep) => ({
          operation: 'unblock',
          holder,
          result: await (await operations()).unblockCard({ transport, masterKey, newPin, template, onStep }),
        }),
      };
    });
  }

  /** Retire (after the page's confirmation): keys destroyed, binding removed. */
  async retire(): Promise<void> {
    const account = this.session.profile?.account;
    const holder = this.holder ?? '';
    await this.#guarded('retire', async () => {
      const masterKey = await requireMasterKey();
      const operator = { oid: account?.objectId ?? '', name: account?.name ?? '', upn: account?.username ?? '' };
      return {
        template: null,
        work: async (transport, onStep) => ({
          operation: 'retire',
          holder,
          result: await (await operations()).retireCard({ transport, masterKey, operator, onStep }),
        }),
      };
    });
  }

  /** Closes the summary; an activation PIN shown in it is gone for good. */
  closeSummary(): void {
    this.summary = null;
  }

  /** Checks preconditions (which throw before the card is touched), then runs the operation. */
  async #guarded(
    operation: Exclude<Transition, 'issue'>,
    prepare: (record: RegistryRecord) => Promise<{ template: CardTemplateRecord | null; work: Work }>,
  ): Promise<void> {
    const record = this.status?.record;
    this.error = null;
    if (!record) return;
    let prepared: Awaited<ReturnType<typeof prepare>>;
    try {
      prepared = await prepare(record);
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
    if (this.#visible) await this.inspect();
  }
}
