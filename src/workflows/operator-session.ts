/**
 * Operator sign-in: the MSAL token source (loaded lazily, so the first screen stays small), plus what the
 * operator may do: directory roles from the ID token, Graph scopes granted, and whether the relay accepts
 * them as an operator.
 */
import { AppError, toAppError } from '../app-error';
import type { SignedInAccount, TokenSource } from '../entra/token-source';
import { createGraphTransport, type GraphTransport } from '../entra/graph-adapter';
import { GRAPH_SCOPES, tapAuthorityFromClaims, type TapAuthority } from '../entra/operator-roles';
import { sendTestEmail, type MailReceipt } from '../relay-api/mail';
import type { RelayEndpoint } from '../relay-api/request';
import { fetchRelayCaller, type RelayCaller } from '../relay-api/whoami';
import type { EntraConnection } from './connection-settings';
import type { TokenCacheLocation } from '../config/deployment';

export { SIGN_IN_WINDOW_TIMEOUT_MS } from '../entra/sign-in-window';
export type { SignedInAccount };

/** True when the app runs as the installed Isolated Web App (its origin is `isolated-app://<id>`). */
function runsAsIsolatedApp(): boolean {
  return typeof location !== 'undefined' && location.protocol === 'isolated-app:';
}

/** Something that will stop the operator's work, with the error behind it when there is one. */
export interface OperatorProblem {
  readonly code: 'NO_TAP_ROLE' | 'GRAPH_SCOPES' | 'NOT_RELAY_OPERATOR' | 'RELAY_CHECK_FAILED';
  readonly error?: AppError;
}

/** Everything the shell shows about the signed-in operator. */
export interface OperatorProfile {
  readonly account: SignedInAccount;
  readonly tap: TapAuthority;
  readonly relay: RelayCaller | null;
  readonly problems: readonly OperatorProblem[];
}

/** One operator's session against one Entra connection. */
export class OperatorSession {
  private constructor(
    readonly connection: EntraConnection,
    private readonly tokens: TokenSource,
  ) {}

  /**
   * Creates the sign-in for `connection`: inside the Isolated Web App the loopback flow (MSAL cannot
   * return to `isolated-app://`), elsewhere MSAL, with `redirectUri` the bridge page's absolute URL and
   * `tokenCache` the deployment's choice of where tokens live (default sessionStorage).
   */
  static async open(
    connection: EntraConnection,
    redirectUri: string,
    tokenCache?: TokenCacheLocation,
  ): Promise<OperatorSession> {
    if (runsAsIsolatedApp()) {
      const { createLoopbackTokenSource } = await import('../entra/loopback-strategy');
      return new OperatorSession(connection, createLoopbackTokenSource(connection));
    }
    const { createMsalTokenSource } = await import('../entra/msal-adapter');
    return new OperatorSession(connection, await createMsalTokenSource(connection, redirectUri, { cache: tokenCache }));
  }

  /** The account remembered in this browser, if any. */
  currentAccount(): SignedInAccount | null {
    return this.tokens.currentAccount();
  }

  /** Interactive sign-in. */
  signIn(): Promise<SignedInAccount> {
    return this.tokens.signIn();
  }

  /**
   * The workflow's "operator passcode": an interactive sign-in that makes the operator enter their
   * credentials again (prompt=login), before a card is bound to a user.
   */
  reauthenticate(): Promise<SignedInAccount> {
    return this.tokens.signIn({ fresh: true });
  }

  /** Forgets the operator's tokens in this browser. */
  signOut(): Promise<void> {
    return this.tokens.signOut();
  }

  /** A Graph token with the scopes Keyward needs for users and passes. */
  graphToken(): Promise<string> {
    return this.tokens.getAccessToken([GRAPH_SCOPES.USER_READ_ALL, GRAPH_SCOPES.TAP_READ_WRITE_ALL]);
  }

  /** Graph calls for users and passes, as the signed-in operator. */
  graph(): GraphTransport {
    return createGraphTransport({ baseUrl: this.connection.graphBaseUrl, getToken: () => this.graphToken() });
  }

  /**
   * Graph calls for the TAP policy. Its scope (Policy.Read.AuthenticationMethod) is optional: when the
   * tenant did not grant it, the token request fails and the policy counts as unreadable.
   */
  policyGraph(): GraphTransport {
    return createGraphTransport({
      baseUrl: this.connection.graphBaseUrl,
      getToken: () => this.tokens.getAccessToken([GRAPH_SCOPES.POLICY_READ_AUTH_METHOD]),
    });
  }

  /** A token for the relay's own API scope (never a Graph token). */
  relayToken(): Promise<string> {
    return this.tokens.getAccessToken([this.connection.relayScope]);
  }

  /** The relay, with this operator's token for its API scope. */
  relay(): RelayEndpoint {
    return { url: this.connection.relayUrl, token: () => this.relayToken() };
  }

  /** Asks the relay to send its test message to the operator's own mailbox (Options > Connections > SMTP). */
  async sendRelayTestEmail(): Promise<MailReceipt> {
    return sendTestEmail(this.relay());
  }

  /** Works out what the signed-in operator may do, and what is missing. */
  async profile(account: SignedInAccount): Promise<OperatorProfile> {
    const tap = tapAuthorityFromClaims(account.claims);
    const problems: OperatorProblem[] = [];
    if (!tap.membersOnly) problems.push({ code: 'NO_TAP_ROLE' });
    await this.graphToken().catch((e: unknown) =>
      problems.push({ code: 'GRAPH_SCOPES', error: toAppError(e, 'workflows') }),
    );
    let relay: RelayCaller | null = null;
    try {
      relay = await fetchRelayCaller(this.relay());
      if (!relay.isOperator) problems.push({ code: 'NOT_RELAY_OPERATOR' });
    } catch (e) {
      problems.push({ code: 'RELAY_CHECK_FAILED', error: toAppError(e, 'workflows') });
    }
    return { account, tap, relay, problems };
  }
}
