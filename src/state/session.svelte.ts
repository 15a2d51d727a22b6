/**
 * The operator's session as the UI sees it: configuration, sign-in, and the operator's profile.
 */
import { AppError, toAppError } from '../app-error';
import { accessOf, SIGNED_OUT, type Access } from './access';
import {
  effectiveEntraConnection,
  loadDeploymentConfig,
  resetEntraConnection,
  saveEntraConnection,
  type DeploymentConfig,
  type EntraConnection,
} from '../workflows/connection-settings';
import { OperatorSession, type OperatorProfile } from '../workflows/operator-session';

/** What the session screens show, re-exported so ui/ reads only state/. */
export type { EntraConnection };
export type { OperatorProblem } from '../workflows/operator-session';

export type SessionPhase = 'loading' | 'unconfigured' | 'signed-out' | 'signing-in' | 'signed-in';

/** Reactive session state; one instance for the app. */
export class SessionState {
  phase = $state<SessionPhase>('loading');
  deployment = $state.raw<DeploymentConfig | null>(null);
  connection = $state.raw<EntraConnection | null>(null);
  overridden = $state(false);
  profile = $state.raw<OperatorProfile | null>(null);
  error = $state.raw<AppError | null>(null);
  /**
   * What the signed-in person may do (state/access.ts), from the relay's whoami; every flag is false
   * while signed out. Screens hide what this does not allow (the relay refuses it anyway).
   */
  access = $derived<Access>(this.phase === 'signed-in' && this.profile ? accessOf(this.profile.relay) : SIGNED_OUT);
  #session: OperatorSession | null = null;
  #signedInListeners: (() => void)[] = [];
  #signedOutListeners: (() => void)[] = [];

  /** The signed-in operator's session for workflows, or null when signed out. */
  get operator(): OperatorSession | null {
    return this.phase === 'signed-in' ? this.#session : null;
  }

  /** Calls `listener` each time an operator finishes signing in (restored at start or interactively). */
  onSignedIn(listener: () => void): void {
    this.#signedInListeners.push(listener);
  }

  /** Calls `listener` each time the operator signs out (or is signed out to reconnect). */
  onSignedOut(listener: () => void): void {
    this.#signedOutListeners.push(listener);
  }

  /** Loads configuration and restores a remembered operator. */
  async init(): Promise<void> {
    this.phase = 'loading';
    this.error = null;
    try {
      this.deployment ??= await loadDeploymentConfig();
      const { connection, overridden } = await effectiveEntraConnection(this.deployment);
      this.connection = connection;
      this.overridden = overridden;
      const redirect = `${location.origin}/auth-redirect.html`;
      this.#session = await OperatorSession.open(connection, redirect, this.deployment.tokenCache);
      const account = this.#session.currentAccount();
      if (!account) {
        this.phase = 'signed-out';
        return;
      }
      this.phase = 'signing-in';
      this.#signedIn(await this.#session.profile(account));
    } catch (e) {
      this.#fail(e, this.#session ? 'signed-out' : 'unconfigured');
    }
  }

  /** Interactive sign-in, then the operator's profile. */
  async signIn(): Promise<void> {
    if (!this.#session) return this.init();
    this.error = null;
    this.phase = 'signing-in';
    try {
      const account = await this.#session.signIn();
      this.#signedIn(await this.#session.profile(account));
    } catch (e) {
      this.#fail(e, 'signed-out');
    }
  }

  /** Forgets the operator in this browser. */
  async signOut(): Promise<void> {
    await this.#session?.signOut();
    this.profile = null;
    this.phase = 'signed-out';
    this.#announceSignedOut();
  }

  /** Re-reads connection settings (after Options changed them); the operator signs in again. */
  async reconnect(): Promise<void> {
    await this.#session?.signOut().catch(() => undefined);
    this.#session = null;
    this.profile = null;
    this.phase = 'loading';
    this.#announceSignedOut();
    await this.init();
  }

  /** Saves Options > Connections > Entra ID and reconnects with it. Throws on invalid settings. */
  async saveConnection(next: EntraConnection): Promise<void> {
    await saveEntraConnection(next);
    await this.reconnect();
  }

  /** Returns to the deployment's defaults and reconnects. */
  async resetConnection(): Promise<void> {
    await resetEntraConnection();
    await this.reconnect();
  }

  #signedIn(profile: OperatorProfile): void {
    this.profile = profile;
    this.phase = 'signed-in';
    for (const listener of this.#signedInListeners) listener();
  }

  #announceSignedOut(): void {
    for (const listener of this.#signedOutListeners) listener();
  }

  #fail(e: unknown, phase: SessionPhase): void {
    this.error = toAppError(e);
    this.phase = phase;
  }
}
