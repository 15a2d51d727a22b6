/**
 * Actions > Smart Card Unblock: find a user, see their cards and their pass, and request a new pass as
 * the chosen card's template allows (workflows/operator-tap.ts): no request when no card's template lets
 * operators generate passes, the code shown only with *Show code*, delivered with the template's own
 * Deliver email (at once, or held for the operator when that email is not sent automatically).
 * The issued code is held only here, in memory, and dropped when the operator leaves the page.
 */
import type { AppError } from '../app-error';
import { deliverTap, type DeliveryTemplate, type TapContext, type TapOutcome } from '../workflows/request-tap';
import {
  tenantTapPolicy,
  userTap,
  type DirectoryUser,
  type TapPolicyResult,
  type TemporaryAccessPass,
} from '../workflows/helpdesk';
import { cardsOf, reportCardLost, type Card, type LostReport } from '../workflows/lost-card';
import { requestCardTap } from '../workflows/card-pass';
import {
  cardTapVerdict,
  cardValues,
  governsTap,
  sendsAutomatically,
  userTapRefusal,
  type CardTapVerdict,
  type OperatorTapGrant,
} from '../workflows/operator-tap';
import { removeCardPassAgain, tapContextWith, type PassRevocation, type ServicePorts } from './lifecycle-operations';
import type { SessionState } from './session.svelte';
import { runGuarded } from './guarded';
import { HeldEmailState } from './held-email.svelte';
import { UserSearchState } from './user-search.svelte';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { canReportLost } from '../workflows/lost-card';
export type { CardTapVerdict, LostReport, OperatorTapGrant };

/** Reactive state of the Smart Card Unblock page. */
export class UnblockState {
  readonly search: UserSearchState;
  user = $state.raw<DirectoryUser | null>(null);
  existing = $state.raw<TemporaryAccessPass | null>(null);
  policy = $state.raw<TapPolicyResult | null>(null);
  /** Published data-export templates (a card template's Deliver names one of them). */
  exports = $state.raw<readonly DeliveryTemplate[]>([]);
  /** The chosen user's cards, as the service knows them. */
  cards = $state.raw<readonly Card[]>([]);
  /** For each card whose template governs a pass: what that template allows. */
  verdicts = $state.raw<readonly CardTapVerdict[]>([]);
  /** The card whose template rules the request (the operator picks when there are several). */
  cardId = $state<string | null>(null);
  confirmingReplace = $state(false);
  busy = $state(false);
  error = $state.raw<AppError | null>(null);
  issued = $state.raw<TapOutcome | null>(null);
  /** Whether the issued code is on screen (the template's Show code, when it was requested). */
  codeShown = $state(false);
  /** The Deliver email not sent automatically (its template says so): the operator sends it, or not. */
  heldEmail = $state.raw<HeldEmailState | null>(null);
  /** The card whose loss the operator is being asked to confirm. */
  confirmingLost = $state.raw<Card | null>(null);
  /** What the template granted when the issued pass was requested (its email follows these rules). */
  issuedGrant = $state.raw<OperatorTapGrant | null>(null);
  /** Why the issued pass could not be recorded against its card (retiring the card will not remove it). */
  unrecorded = $state.raw<AppError | null>(null);
  /** The last lost report: the card, and what became of the pass Keyward created for it. */
  lostReport = $state.raw<LostReport | null>(null);

  constructor(
    private readonly session: SessionState,
    private readonly ports: ServicePorts,
  ) {
    this.search = new UserSearchState(session);
    // A new search puts the chosen user away at once: their panel must not stay actionable meanwhile.
    this.search.ontype = () => this.#deselect();
  }

  /** The verdict of the chosen card. */
  get chosen(): CardTapVerdict | null {
    return this.verdicts.find((v) => v.card.cardId === this.cardId) ?? null;
  }

  /** Why no pass may be requested now (for the user, or under the chosen card's template); null when one may. */
  get refusal(): AppError | null {
    const user = this.user;
    if (!user) return null;
    return (
      userTapRefusal(user, this.session.profile?.account.objectId ?? '', this.verdicts) ?? this.chosen?.refusal ?? null
    );
  }

  /** What the chosen card's template grants, when a request is allowed. */
  get grant(): OperatorTapGrant | null {
    return this.refusal ? null : (this.chosen?.grant ?? null);
  }

  /** The email still held for the operator, if any: its template, and its preview (the code masked unless Show code). */
  get held(): HeldEmailState | null {
    return this.heldEmail?.pending ? this.heldEmail : null;
  }

  /** Loads what the page needs once the operator is signed in: the TAP policy and the published emails. */
  async open(): Promise<void> {
    const op = this.session.operator;
    if (!op) return;
    await this.#run(async () => {
      this.exports = await this.ports(op).templates.exportTemplates();
      this.policy = await tenantTapPolicy(op);
    });
  }

  /** Selects a user: reads their cards, each card's template, and their current pass. */
  async choose(user: DirectoryUser): Promise<void> {
    const op = this.session.operator;
    if (!op) return;
    this.#deselect();
    this.user = user;
    const ports = this.ports(op);
    await this.#run(async () => {
      const cards = await cardsOf(ports.registry, user.id);
      const governing = cards.filter(governsTap);
      const templates = await Promise.all(governing.map((c) => ports.templates.cardTemplate(c.template.id)));
      if (this.user !== user) return;
      this.cards = cards;
      this.verdicts = governing.map((c, i) => cardTapVerdict(c, templates[i] ?? null, this.exports, this.policy));
      this.cardId = (this.verdicts.find((v) => v.grant) ?? this.verdicts[0])?.card.cardId ?? null;
      // Graph refuses anyone their own pass, even reading it; the refusal above says so.
      if (user.id !== this.session.profile?.account.objectId) this.existing = await userTap(op, user.id);
    });
  }

  /** Retires the card as lost (after the operator confirmed), then lists the user's cards again. */
  async reportLost(card: Card): Promise<void> {
    const op = this.session.operator;
    const user = this.user;
    this.confirmingLost = null;
    this.lostReport = null;
    if (!op || !user) return;
    const ports = this.ports(op);
    await this.#run(async () => {
      const report = await reportCardLost(ports, card, this.#context());
      const lost = report.card;
      this.lostReport = report;
      // The service unbinds a retired card from its holder, so the lost one is shown from its answer.
      const others = (await cardsOf(ports.registry, user.id)).filter((c) => c.cardId !== lost.cardId);
      this.cards = [...others, lost];
      this.verdicts = this.verdicts.map((v) => (v.card.cardId === lost.cardId ? { ...v, card: lost } : v));
    });
  }

  /** Tries again to remove the pass of the card just reported lost (Graph refused then): what became of it. */
  removePassAgain(cardId: string, holder: string): Promise<PassRevocation> {
    const op = this.session.operator!;
    return removeCardPassAgain(this.ports(op), op, cardId, holder);
  }

  /**
   * Creates the pass as the chosen card's template allows. Everything is checked first (the template, the
   * user, the lifetime against the tenant policy); only then, when a pass exists, is the operator asked to
   * confirm replacing it.
   */
  async request(confirmed = false): Promise<void> {
    const user = this.user;
    const grant = this.grant;
    if (!user || !grant) return;
    if (this.existing && !confirmed) {
      this.confirmingReplace = true;
      return;
    }
    this.confirmingReplace = false;
    const auto = grant.deliverWith && sendsAutomatically(grant.deliverWith) ? grant.deliverWith : null;
    await this.#run(async () => {
      const plan = { request: grant.request, deliverWith: auto, cardValues: cardValues(grant.card) };
      const op = this.session.operator!;
      const outcome = await requestCardTap(this.#context(), this.ports(op).registry, user, grant.card, plan);
      this.unrecorded = outcome.unrecorded;
      this.issuedGrant = grant;
      const held = auto ? null : grant.deliverWith;
      const about = { user, tap: outcome.tap, card: grant.card, showCode: grant.showCode };
      this.heldEmail = held ? new HeldEmailState({ template: held, ...about }, () => this.#context()) : null;
      this.codeShown = grant.showCode;
      this.issued = this.#keepCodeIf(outcome, grant.showCode || outcome.delivery?.status === 'failed' || !!held);
      this.existing = { ...outcome.tap, temporaryAccessPass: null };
    });
  }

  /** Sends the held email, or tries a failed one again, for the pass still held in memory (never twice). */
  async sendEmail(): Promise<void> {
    const issued = this.issued;
    const grant = this.issuedGrant;
    const held = this.heldEmail;
    const template = grant?.deliverWith;
    if (!issued || !this.user || !grant || !(held?.pending || template)) return;
    await this.#run(async () => {
      const delivery = held?.pending
        ? await held.send()
        : await deliverTap(this.#context(), this.user!, issued.tap, template!, cardValues(grant.card));
      if (!delivery) return;
      held?.forget();
      this.heldEmail = null;
      this.issued = this.#keepCodeIf({ ...issued, delivery }, grant.showCode || delivery.status === 'failed');
    });
  }

  /** The operator decided not to send the held email: a code they may not see is dropped. */
  discardEmail(): void {
    const issued = this.issued;
    this.heldEmail?.discard();
    this.heldEmail = null;
    if (issued) this.issued = this.#keepCodeIf(issued, this.codeShown);
  }

  /** Drops the issued code (leaving the page, choosing another user). */
  forget(): void {
    this.issued = null;
    this.issuedGrant = null;
    this.heldEmail?.forget();
    this.heldEmail = null;
    this.codeShown = false;
    this.confirmingReplace = false;
    this.unrecorded = null;
  }

  /** The outcome, with its code only when `keep` (a code neither shown nor still to send has done its job). */
  #keepCodeIf(outcome: TapOutcome, keep: boolean): TapOutcome {
    return keep ? outcome : { ...outcome, tap: { ...outcome.tap, temporaryAccessPass: null } };
  }

  #deselect(): void {
    this.forget();
    this.user = null;
    this.existing = null;
    this.cards = [];
    this.verdicts = [];
    this.cardId = null;
    this.confirmingLost = null;
    this.lostReport = null;
  }

  #context(): TapContext {
    const op = this.session.operator!;
    return tapContextWith(op, this.session.profile!.account, this.ports(op));
  }

  #run(work: () => Promise<unknown>): Promise<void> {
    return runGuarded(this, work);
  }
}
