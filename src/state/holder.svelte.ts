/**
 * The self-service page's session and card list: the holder's sign-in (MSAL, `User.Read` only) and the
 * cards the relay holds for them with what each card's template allows. Small on purpose: the first
 * screen carries this and the sign-in button only; MSAL and the relay's client load when needed.
 */
import { toAppError, type AppError } from '../app-error';
import {
  HolderSession,
  loadDeploymentConfig,
  type DeploymentConfig,
  type RelayEndpoint,
  type SignedInAccount,
} from '../workflows/holder-session';
import type { HolderCard } from '../workflows/holder-cards';
import { SignInState } from './sign-in.svelte';

export type { HolderCard };

/** The holder's sign-in; one instance for the page. */
export class HolderState extends SignInState<HolderSession, SignedInAccount> {
  deployment = $state.raw<DeploymentConfig | null>(null);
  account = $state.raw<SignedInAccount | null>(null);

  /** The relay as the signed-in holder, or null when signed out. */
  relay(): RelayEndpoint | null {
    return this.phase === 'signed-in' ? (this.session?.relay() ?? null) : null;
  }

  /** Forgets the holder in this browser. */
  async signOut(): Promise<void> {
    await this.session?.signOut();
    this.account = null;
    this.phase = 'signed-out';
  }

  protected async open(): Promise<HolderSession> {
    this.deployment ??= await loadDeploymentConfig();
    return HolderSession.open(this.deployment, `${location.origin}/auth-redirect.html`);
  }

  protected async keep(_session: HolderSession, account: SignedInAccount): Promise<void> {
    this.account = account;
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
