/**
 * The operator's session as the UI sees it: configuration, sign-in, and the operator's profile.
 */
import { accessOf, SIGNED_OUT, type Access } from './access';
import {
  effectiveEntraConnection,
  loadDeploymentConfig,
  resetEntraConnection,
  saveEntraConnection,
  type DeploymentConfig,
  type EntraConnection,
} from '../workflows/connection-settings';
import { OperatorSession, type OperatorProfile, type SignedInAccount } from '../workflows/operator-session';
import { SignInState } from './sign-in.svelte';

/** What the session screens show, re-exported so ui/ reads only state/. */
export type { EntraConnection };
export type { OperatorProblem } from '../workflows/operator-session';

/** Reactive session state; one instance for the app. */
export class SessionState extends SignInState<OperatorSession, SignedInAccount> {
  deployment = $state.raw<DeploymentConfig | null>(null);
  connection = $state.raw<EntraConnection | null>(null);
  overridden = $state(false);
  profile = $state.raw<OperatorProfile | null>(null);
  /**
   * What the signed-in person may do (state/access.ts), from the relay's whoami; every flag is false
   * while signed out. Screens hide what this does not allow (the relay refuses it anyway).
   */
  access = $derived<Access>(this.phase === 'signed-in' && this.profile ? accessOf(this.profile.relay) : SIGNED_OUT);
  #signedOutListeners: (() => void)[] = [];

  /** The signed-in operator's session for workflows, or null when signed out. */
  get operator(): OperatorSession | null {
    return this.phase === 'signed-in' ? this.session : null;
  }

  /** Calls `listener` each time the operator signs out (or is signed out to reconnect). */
  onSignedOut(listener: () => void): void {
    this.#signedOutListeners.push(listener);
  }

  /** Forgets the operator in this browser. */
  async signOut(): Promise<void> {
    await this.session?.signOut();
    this.profile = null;
    this.phase = 'signed-out';
    this.#announceSignedOut();
  }

  /** Re-reads connection settings (after Options changed them); the operator signs in again. */
  async reconnect(): Promise<void> {
    await this.session?.signOut().catch(() => undefined);
    this.session = null;
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

  /** Reads the deployment file and the connection in effect (an override from Options, or its own). */
  protected async open(): Promise<OperatorSession> {
    this.deployment ??= await loadDeploymentConfig();
    const { connection, overridden } = await effectiveEntraConnection(this.deployment);
    this.connection = connection;
    this.overridden = overridden;
    const redirect = `${location.origin}/auth-redirect.html`;
    return OperatorSession.open(connection, redirect, this.deployment.tokenCache);
  }

  /** Reads the operator's profile (Graph and the relay) before the sign-in counts as done. */
  protected async keep(session: OperatorSession, account: SignedInAccount): Promise<void> {
    this.phase = 'signing-in';
    this.profile = await session.profile(account);
  }

  #announceSignedOut(): void {
    for (const listener of this.#signedOutListeners) listener();
  }
}
