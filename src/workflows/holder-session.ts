/**
 * The card holder's sign-in on the self-service page: the same MSAL token source as the operator console
 * (src/entra/msal-adapter.ts, loaded lazily so the first screen stays small), asking Graph for `User.Read`
 * only, and a token for the relay's own API scope. Holders need no Keyward role: the relay's self-service
 * routes act for the token's `oid` alone.
 */
import type { SignedInAccount, TokenSource } from '../entra/msal-adapter';
import type { RelayEndpoint } from '../relay-api/request';
import type { DeploymentConfig } from '../config/deployment';

export { loadDeploymentConfig, type DeploymentConfig } from '../config/deployment';
export type { SignedInAccount };
export type { RelayEndpoint };

/** The one Graph permission the self-service page asks for (Microsoft Graph, delegated). */
export const HOLDER_GRAPH_SCOPES = ['https://graph.microsoft.com/User.Read'] as const;

/** One holder's session against the deployment's Entra connection and relay. */
export class HolderSession {
  private constructor(
    private readonly deployment: DeploymentConfig,
    private readonly tokens: TokenSource,
  ) {}

  /**
   * Creates the MSAL client for the deployment's Entra settings (a holder's browser has no per-browser
   * override: those are the operator console's Options). `redirectUri` is the bridge page's absolute URL.
   */
  static async open(deployment: DeploymentConfig, redirectUri: string): Promise<HolderSession> {
    const { createMsalTokenSource } = await import('../entra/msal-adapter');
    const tokens = await createMsalTokenSource(deployment.entra, redirectUri, {
      cache: deployment.tokenCache,
      signInScopes: HOLDER_GRAPH_SCOPES,
    });
    return new HolderSession(deployment, tokens);
  }

  /** The account remembered in this browser, if any. */
  currentAccount(): SignedInAccount | null {
    return this.tokens.currentAccount();
  }

  /** Interactive sign-in. */
  signIn(): Promise<SignedInAccount> {
    return this.tokens.signIn();
  }

  /** Forgets the holder's tokens in this browser. */
  signOut(): Promise<void> {
    return this.tokens.signOut();
  }

  /** The relay, with the holder's token for its API scope (never a Graph token). */
  relay(): RelayEndpoint {
    return {
      url: this.deployment.relayUrl,
      token: () => this.tokens.getAccessToken([this.deployment.entra.relayScope]),
    };
  }
}
