/**
 * The Lifecycle page's summary dialog: what the last operation did, the Initiate Card emails its
 * activation held for the operator (their pass code in memory only, until the summary closes), and a
 * retry of removing a retired card's pass that Graph refused.
 */
import { AppError } from '../app-error';
import type { OperatorSession } from '../workflows/operator-session';
import { HeldEmailState } from './held-email.svelte';
import {
  removeCardPassAgain,
  takeHeldEmails,
  tapContextWith,
  type LifecycleSummary,
  type PassRevocation,
  type ServicePorts,
} from './lifecycle-operations';
import type { SessionState } from './session.svelte';

export class LifecycleSummaryState {
  summary = $state.raw<LifecycleSummary | null>(null);
  /** The activation summary's emails held for the operator. */
  heldEmails = $state.raw<readonly HeldEmailState[]>([]);

  constructor(
    private readonly session: SessionState,
    private readonly ports: ServicePorts,
  ) {}

  /** Shows `summary` (null: none), the emails it holds for the operator taken out of it; the last ones forgotten. */
  show(summary: LifecycleSummary | null): void {
    for (const email of this.heldEmails) email.forget();
    const taken = summary ? takeHeldEmails(summary) : { summary: null, held: [] };
    this.heldEmails = taken.held.map((held) => new HeldEmailState(held, () => this.#tapContext()));
    this.summary = taken.summary;
  }

  /** Tries again to remove a retired card's pass (Graph refused at retirement): what became of it. */
  removePassAgain(cardId: string, holder: string): Promise<PassRevocation> {
    const op = this.#operator();
    return removeCardPassAgain(this.ports(op), op, cardId, holder);
  }

  /** Mail and audit as the signed-in operator, for a held email sent from the summary. */
  #tapContext() {
    const account = this.session.profile?.account;
    if (!account) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    const op = this.#operator();
    return tapContextWith(op, account, this.ports(op));
  }

  #operator(): OperatorSession {
    const op = this.session.operator;
    if (!op) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    return op;
  }
}
