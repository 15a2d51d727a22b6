/**
 * Actions > Smart Card Unblock: find a user, see their pass, request a new one, show and/or deliver it.
 * The issued code is held only here, in memory, and dropped when the operator leaves the page.
 */
import type { AppError } from '../app-error';
import { deliverTap, requestTap, type TapContext, type TapOutcome } from '../workflows/request-tap';
import {
  deliveryTemplates,
  tapContext,
  tenantTapPolicy,
  userTap,
  type DirectoryUser,
  type ExportTemplateRecord,
  type TapPolicyResult,
  type TemporaryAccessPass,
} from '../workflows/helpdesk';
import type { TemplateStore } from '../workflows/ports';
import { cardsOf, reportCardLost, type RegistryRecord } from '../workflows/lost-card';
import type { SessionState } from './session.svelte';
import { runGuarded } from './guarded';
import { UserSearchState } from './user-search.svelte';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { canReportLost } from '../workflows/lost-card';

/** Reactive state of the Smart Card Unblock page. */
export class UnblockState {
  readonly search: UserSearchState;
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

  /** `templates` are the published templates a pass may be delivered with. */
  constructor(
    private readonly session: SessionState,
    private readonly templateStore: TemplateStore,
  ) {
    this.search = new UserSearchState(session);
  }

  /** Loads what the page needs once the operator is signed in: the TAP policy and the templates. */
  async open(): Promise<void> {
    const op = this.session.operator;
    if (!op) return;
    await this.#run(async () => {
      this.templates = await deliveryTemplates(this.templateStore);
      this.templateId ??= this.templates[0]?.id ?? null;
      this.policy = await tenantTapPolicy(op);
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
