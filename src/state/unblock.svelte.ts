/**
 * Actions > Smart Card Unblock: find a user, see their pass, request a new one, show and/or deliver it.
 * The issued code is held only here, in memory, and dropped when the operator leaves the page.
 */
import { AppError, toAppError } from '../app-error';
import { deliverTap, requestTap, type TapContext, type TapOutcome } from '../workflows/request-tap';
import {
  deliveryTemplates,
  findUsers,
  moreUsers,
  tapContext,
  tenantTapPolicy,
  userTap,
  type DirectoryUser,
  type ExportTemplateRecord,
  type TapPolicyResult,
  type TemporaryAccessPass,
} from '../workflows/unblock';
import { cardsOf, reportCardLost, type RegistryRecord } from '../workflows/lost-card';
import type { SessionState } from './session.svelte';
import { runGuarded } from './guarded';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { canReportLost } from '../workflows/lost-card';

const SEARCH_DELAY_MS = 300;

/** Reactive state of the Smart Card Unblock page. */
export class UnblockState {
  query = $state('');
  results = $state.raw<readonly DirectoryUser[]>([]);
  nextLink = $state<string | null>(null);
  searching = $state(false);
  user = $state.raw<DirectoryUser | null>(null);
  existing = $state.raw<TemporaryAccessPass | null>(null);
  policy = $state.raw<TapPolicyResult | null>(null);
  templates = $state.raw<readonly ExportTemplateRecord[]>([]);
  templateId = $state<string | null>(null);
  show = $state(true);
  deliver = $state(true);
  /** Lifetime override in minutes; null = the tenant policy's default. */
  lifetime = $state<number | null>(null);
  /** Usable-once override; null = the tenant policy's default. */
  usableOnce = $state<boolean | null>(null);
  confirmingReplace = $state(false);
  busy = $state(false);
  error = $state.raw<AppError | null>(null);
  issued = $state.raw<TapOutcome | null>(null);
  /** Whether the issued code is on screen (decided when it was requested). */
  codeShown = $state(false);
  /** The chosen user's cards registered in this browser. */
  cards = $state.raw<readonly RegistryRecord[]>([]);
  /** The card whose loss the operator is being asked to confirm. */
  confirmingLost = $state.raw<RegistryRecord | null>(null);
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #searchSeq = 0;

  constructor(private readonly session: SessionState) {}

  /** Loads what the page needs once the operator is signed in: the TAP policy and the templates. */
  async open(): Promise<void> {
    const op = this.session.operator;
    if (!op) return;
    await this.#run(async () => {
      this.templates = await deliveryTemplates();
      this.templateId ??= this.templates[0]?.id ?? null;
      this.policy = await tenantTapPolicy(op);
    });
  }

  /** Debounced search as the operator types. */
  type(text: string): void {
    this.query = text;
    clearTimeout(this.#searchTimer);
    if (!text.trim()) {
      this.results = [];
      this.nextLink = null;
      return;
    }
    this.#searchTimer = setTimeout(() => void this.#search(text), SEARCH_DELAY_MS);
  }

  async #search(text: string): Promise<void> {
    const op = this.session.operator;
    if (!op) return;
    const seq = ++this.#searchSeq;
    this.searching = true;
    this.error = null;
    try {
      const page = await findUsers(op, text);
      if (seq !== this.#searchSeq) return;
      this.results = page.users;
      this.nextLink = page.nextLink;
    } catch (e) {
      if (seq === this.#searchSeq) this.error = toAppError(e);
    } finally {
      if (seq === this.#searchSeq) this.searching = false;
    }
  }

  /** Loads the next page of results. */
  async more(): Promise<void> {
    const op = this.session.operator;
    if (!op || !this.nextLink) return;
    await this.#run(async () => {
      const page = await moreUsers(op, this.nextLink!);
      this.results = [...this.results, ...page.users];
      this.nextLink = page.nextLink;
    });
  }

  /** Selects a user and reads their current pass. */
  async choose(user: DirectoryUser): Promise<void> {
    const op = this.session.operator;
    if (!op) return;
    this.forget();
    this.user = user;
    this.existing = null;
    this.cards = [];
    await this.#run(async () => {
      this.cards = await cardsOf(user.id);
      this.existing = await userTap(op, user.id);
    });
  }

  /** Retires the card as lost (after the operator confirmed), then lists the user's cards again. */
  async reportLost(card: RegistryRecord): Promise<void> {
    const account = this.session.profile?.account;
    const user = this.user;
    this.confirmingLost = null;
    if (!account || !user) return;
    await this.#run(async () => {
      await reportCardLost(card.cardId, { oid: account.objectId, name: account.name, upn: account.username });
      this.cards = await cardsOf(user.id);
    });
  }

  /** Creates the pass; when one exists, the first call only asks for confirmation. */
  async request(confirmed = false): Promise<void> {
    const op = this.session.operator;
    const user = this.user;
    if (!op || !user) return;
    if (this.existing && !confirmed) {
      this.confirmingReplace = true;
      return;
    }
    this.confirmingReplace = false;
    const template = this.deliver ? (this.templates.find((t) => t.id === this.templateId) ?? null) : null;
    await this.#run(async () => {
      const request = {
        ...(this.lifetime === null ? {} : { lifetimeInMinutes: this.lifetime }),
        ...(this.usableOnce === null ? {} : { isUsableOnce: this.usableOnce }),
      };
      const outcome = await requestTap(this.#context(), user, { request, deliverWith: template });
      // Not shown and delivered: the code has done its job and is dropped at once.
      const keepCode = this.show || outcome.delivery?.status === 'failed';
      this.issued = keepCode ? outcome : { ...outcome, tap: { ...outcome.tap, temporaryAccessPass: null } };
      this.codeShown = this.show;
      this.existing = { ...outcome.tap, temporaryAccessPass: null };
    });
  }

  /** Tries the email again for the pass still held in memory (never sends twice). */
  async retryDelivery(): Promise<void> {
    const issued = this.issued;
    const template = this.templates.find((t) => t.id === this.templateId);
    if (!issued || !this.user || !template) return;
    await this.#run(async () => {
      const delivery = await deliverTap(this.#context(), this.user!, issued.tap, template);
      this.issued = { ...issued, delivery };
    });
  }

  /** Drops the issued code (leaving the page, choosing another user). */
  forget(): void {
    this.issued = null;
    this.codeShown = false;
    this.confirmingReplace = false;
  }

  #context(): TapContext {
    return tapContext(this.session.operator!, this.session.profile!.account);
  }

  #run(work: () => Promise<unknown>): Promise<void> {
    return runGuarded(this, work);
  }
}
