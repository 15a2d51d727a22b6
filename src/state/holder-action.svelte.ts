/**
 * One self-service action at a time: Activate, Request a Temporary Access Pass, or Unblock my PIN, on the
 * card the holder chose from their list (workflows/self-service.ts). The readers (the operator console's
 * ReaderState and backends, the demo's virtual reader among them) and the card stack load when the first
 * action starts, never with the first screen.
 *
 * PINs are arguments of one call and are never kept here; a pass the template shows is held in memory
 * until the holder closes the action or leaves the page.
 */
import { AppError } from '../app-error';
import { pinPolicyFor, type HolderCard, type PinPolicy } from '../workflows/holder-cards';
import type { ActivateResult, RequestTapResult } from '../workflows/self-service';
import type { RelayEndpoint } from '../workflows/holder-session';
import type { ReaderState } from './readers.svelte';
import { runGuarded } from './guarded';

export type { ActivateResult, RequestTapResult, PinPolicy };
export type HolderActionKind = 'activate' | 'request-tap' | 'unblock';

/** What an action ended with, for the page to show. */
export type HolderOutcome =
  | { readonly kind: 'activate'; readonly result: ActivateResult }
  | { readonly kind: 'request-tap'; readonly result: RequestTapResult }
  | { readonly kind: 'unblock'; readonly card: HolderCard };

/**
 * A follow-up problem the relay reported with its answer (a pass or an email that did not happen after
 * the action itself succeeded), as the error `describeError` puts into words.
 */
export function problemError(problem: { readonly code: string; readonly message: string }): AppError {
  return new AppError('relay-api', problem.code, problem.message);
}

/** What the page's composition root gives the action state. */
export interface HolderActionDeps {
  readonly relay: () => RelayEndpoint | null;
  /** Builds and starts the reader state (loaded lazily). */
  readonly loadReaders: () => Promise<ReaderState>;
  /** Called with the card as the relay holds it after an action changed it. */
  readonly changed: (card: HolderCard) => void;
}

/** The action in progress on the self-service page. */
export class HolderActionState {
  kind = $state<HolderActionKind | null>(null);
  card = $state.raw<HolderCard | null>(null);
  readers = $state.raw<ReaderState | null>(null);
  busy = $state(false);
  error = $state.raw<AppError | null>(null);
  outcome = $state.raw<HolderOutcome | null>(null);
  /** The new PIN's rule for the chosen card. */
  policy = $derived<PinPolicy | null>(this.card ? pinPolicyFor(this.card) : null);
  /** Whether the action needs the card in a reader (a pass without Force authentication does not). */
  needsCard = $derived(
    this.kind !== null && (this.kind !== 'request-tap' || this.card?.actions.requestTap.forceAuthentication === true),
  );

  constructor(private readonly deps: HolderActionDeps) {}

  /** Opens `kind` for `card`, loading the readers when the action needs the card. */
  async start(kind: HolderActionKind, card: HolderCard): Promise<void> {
    this.kind = kind;
    this.card = card;
    this.outcome = null;
    this.error = null;
    if (this.needsCard && !this.readers)
      await runGuarded(this, async () => (this.readers = await this.deps.loadReaders()));
  }

  /** Closes the action (and drops a pass shown by it). */
  close(): void {
    this.kind = null;
    this.card = null;
    this.outcome = null;
    this.error = null;
  }

  /** Activate: activation PIN, then the holder's new PIN twice. */
  activate(activationPin: string, newPin: string, repeatedPin: string): Promise<void> {
    return this.#run(async (relay, card, flows) => {
      const policy = pinPolicyFor(card);
      const result = await flows.activate(relay, this.#transport(), card, {
        activationPin,
        newPin,
        repeatedPin,
        policy,
      });
      this.deps.changed(result.card);
      return { kind: 'activate', result };
    });
  }

  /** Request a pass; `pin` (and the card in the reader) only under *Force authentication*. */
  requestTap(pin?: string): Promise<void> {
    return this.#run(async (relay, card, flows) => {
      const proof = card.actions.requestTap.forceAuthentication
        ? { transport: this.#transport(), pin: pin ?? '' }
        : undefined;
      return { kind: 'request-tap', result: await flows.requestTap(relay, card, proof) };
    });
  }

  /** Unblock my PIN: the new PIN twice. */
  unblock(newPin: string, repeatedPin: string): Promise<void> {
    return this.#run(async (relay, card, flows) => {
      const updated = await flows.unblock(relay, this.#transport(), card, {
        newPin,
        repeatedPin,
        policy: pinPolicyFor(card),
      });
      this.deps.changed(updated);
      return { kind: 'unblock', card: updated };
    });
  }

  #transport() {
    const transport = this.readers?.card?.transport;
    if (!transport) throw new AppError('state', 'HOLDER_CARD_NOT_OPEN', 'No card in an open reader.');
    return transport;
  }

  #run(
    work: (
      relay: RelayEndpoint,
      card: HolderCard,
      flows: typeof import('../workflows/self-service'),
    ) => Promise<HolderOutcome>,
  ): Promise<void> {
    return runGuarded(this, async () => {
      const relay = this.deps.relay();
      const card = this.card;
      if (!relay || !card) return;
      const flows = await import('../workflows/self-service');
      this.outcome = await work(relay, card, flows);
    });
  }
}
