/**
 * Actions > Smart Card Unblock: find a user, see their pass, request a new one, show and/or deliver it.
 * The issued code is held only here, in memory, and dropped when the operator leaves the page.
 */
import type { AppError } from '../app-error';
import { deliverTap, requestTap, type TapContext, type TapOutcome } from '../workflows/request-tap';
import {
  deliveryTemplates,
  tenantTapPolicy,
  userTap,
  type DirectoryUser,
  type ExportTemplateRecord,
  type TapPolicyResult,
  type TemporaryAccessPass,
} from '../workflows/helpdesk';
import { cardsOf, reportCardLost, type Card } from '../workflows/lost-card';
import { tapContextWith, type ServicePorts } from './lifecycle-operations';
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
  /** The chosen user's cards, as the service knows them. */
  cards = $state.raw<readonly Card[]>([]);
  /** The card whose loss the operator is being asked to confirm. */
  confirmingLost = $state.raw<Card | null>(null);

  constructor(
    private readonly session: SessionState,
    private readonly ports: ServicePorts,
  ) {
    this.search = new UserSearchState(session);
  }

  /** Loads what the page needs once the operator is signed in: the TAP policy and the templates. */
  async open(): Promise<void> {
    const op = this.session.operator;
    if (!op) return;
    await this.#run(async () => {
      this.templates = await deliveryTemplates(this.ports(op).templates);
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
      this.cards = await cardsOf(this.ports(op).registry, user.id);
      this.existing = await userTap(op, user.id);
    });
  }

  /** Retires the card as lost (after the operator confirmed), then lists the user's cards again. */
  async reportLost(card: Card): Promise<void> {
    const op = this.session.operator;
    const user = this.user;
    this.confirmingLost = null;
    if (!op || !user) return;
    const ports = this.ports(op);
    await this.#run(async () => {
      const lost = await reportCardLost(ports, card);
      // The service unbinds a retired card from its holder, so the lost one is shown from its answer.
      const others = (await cardsOf(ports.registry, user.id)).filter((c) => c.cardId !== lost.cardId);
      this.cards = [...others, lost];
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
    const op = this.session.operator!;
    return tapContextWith(op, this.session.profile!.account, this.ports(op));
  }

  #run(work: () => Promise<unknown>): Promise<void> {
    return runGuarded(this, work);
  }
}
