/**
 * The sign-in both pages have, the operator's console (session.svelte.ts) and the holder's self-service
 * page (holder.svelte.ts): its phases, the error kept for the page to put into words, and the listeners
 * told of each sign-in. Each page opens its own session and says what a finished sign-in keeps.
 */
import { toAppError, type AppError } from '../app-error';

export type SignInPhase = 'loading' | 'unconfigured' | 'signed-out' | 'signing-in' | 'signed-in';

/** What sign-in needs of a page's session (workflows/operator-session.ts, workflows/holder-session.ts). */
export interface SignInSession<Account> {
  /** The account remembered in this tab, if any. */
  currentAccount(): Account | null;
  /** Interactive sign-in. */
  signIn(): Promise<Account>;
}

/** Reactive sign-in over a session of type `S`; a page's state extends it. */
export abstract class SignInState<S extends SignInSession<Account>, Account> {
  phase = $state<SignInPhase>('loading');
  error = $state.raw<AppError | null>(null);
  /** The session once opened (it stays open while signed out). */
  protected session: S | null = null;
  #signedInListeners: (() => void)[] = [];

  /** Opens the page's session (reading its configuration first). */
  protected abstract open(): Promise<S>;

  /** Keeps what the page needs of a signed-in `account` (the operator's profile, the holder's account). */
  protected abstract keep(session: S, account: Account): Promise<void>;

  /** Calls `listener` each time someone finishes signing in (restored at start or interactively). */
  onSignedIn(listener: () => void): void {
    this.#signedInListeners.push(listener);
  }

  /** Loads the configuration, opens the session and restores an account remembered in this tab. */
  async init(): Promise<void> {
    this.phase = 'loading';
    this.error = null;
    try {
      this.session = await this.open();
      const account = this.session.currentAccount();
      if (account) await this.#signedIn(this.session, account);
      else this.phase = 'signed-out';
    } catch (e) {
      this.#fail(e, this.session ? 'signed-out' : 'unconfigured');
    }
  }

  /** Interactive sign-in (or, before the session opened, another try at opening it). */
  async signIn(): Promise<void> {
    if (!this.session) return this.init();
    this.error = null;
    this.phase = 'signing-in';
    try {
      await this.#signedIn(this.session, await this.session.signIn());
    } catch (e) {
      this.#fail(e, 'signed-out');
    }
  }

  async #signedIn(session: S, account: Account): Promise<void> {
    await this.keep(session, account);
    this.phase = 'signed-in';
    for (const listener of this.#signedInListeners) listener();
  }

  #fail(e: unknown, phase: SignInPhase): void {
    this.error = toAppError(e);
    this.phase = phase;
  }
}
