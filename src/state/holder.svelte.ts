/**
 * The self-service page's session and card list: the holder's sign-in (MSAL, `User.Read` only) and the
 * cards the relay holds for them with what each card's template allows. Small on purpose: the first
 * screen carries this and the sign-in button only; MSAL and the relay's client load when needed.
 */
import { AppError, toAppError } from '../app-error';
import {
  HolderSession,
  loadDeploymentConfig,
  type DeploymentConfig,
  type RelayEndpoint,
  type SignedInAccount,
} from '../workflows/holder-session';
import type { HolderCard } from '../workflows/holder-cards';

export type { HolderCard };
export type HolderPhase = 'loading' | 'unconfigured' | 'signed-out' | 'signing-in' | 'signed-in';

/** The holder's sign-in; one instance for the page. */
export class HolderState {
  phase = $state<HolderPhase>('loading');
  deployment = $state.raw<DeploymentConfig | null>(null);
  account = $state.raw<SignedInAccount | null>(null);
  error = $state.raw<AppError | null>(null);
  #session: HolderSession | null = null;
  #signedIn: (() => void)[] = [];

  /** Calls `listener` each time the holder is signed in (restored at start or interactively). */
  onSignedIn(listener: () => void): void {
    this.#signedIn.push(listener);
  }

  /** The relay as the signed-in holder, or null when signed out. */
  relay(): RelayEndpoint | null {
    return this.phase === 'signed-in' ? (this.#session?.relay() ?? null) : null;
  }

  /** Loads the deployment file and restores a holder remembered in this tab. */
  async init(): Promise<void> {
    this.phase = 'loading';
    this.error = null;
    try {
      this.deployment ??= await loadDeploymentConfig();
      this.#session = await HolderSession.open(this.deployment, `${location.origin}/auth-redirect.html`);
      const account = this.#session.currentAccount();
      if (account) this.#done(account);
      else this.phase = 'signed-out';
    } catch (e) {
      this.#fail(e, this.#session ? 'signed-out' : 'unconfigured');
    }
  }

  /** Interactive sign-in. */
  async signIn(): Promise<void> {
    if (!this.#session) return this.init();
    this.error = null;
    this.phase = 'signing-in';
    try {
      this.#done(await this.#session.signIn());
    } catch (e) {
      this.#fail(e, 'signed-out');
    }
  }

  /** Forgets the holder in this browser. */
  async signOut(): Promise<void> {
    await this.#session?.signOut();
    this.account = null;
    this.phase = 'signed-out';
  }

  #done(account: SignedInAccount): void {
    this.account = account;
    this.phase = 'signed-in';
    for (const listener of this.#signedIn) listener();
  }

  #fail(e: unknown, phase: HolderPhase): void {
    this.error = toAppError(e);
    this.phase = phase;
  }
}

/** The signed-in holder's cards; one instance for the page. */
export class MyCardsState {
  cards = $state.raw<readonly HolderCard[] | null>(null);
  loading = $state(false);
  error = $state.raw<AppError | null>(null);

  constructor(private readonly relay: () => RelayEndpoint | null) {}

  /** Reads the holder's cards from the relay (nothing when signed out). */
  async load(): Promise<void> {
    const relay = this.relay();
    if (!relay) return;
    this.loading = true;
    this.error = null;
    try {
      const { listMyCards } = await import('../workflows/holder-cards');
      this.cards = await listMyCards(relay);
    } catch (e) {
      this.error = toAppError(e);
    } finally {
      this.loading = false;
    }
  }

  /** Replaces one card with the relay's newer answer. */
  replace(card: HolderCard): void {
    this.cards = (this.cards ?? []).map((c) => (c.cardId === card.cardId ? card : c));
  }
}
