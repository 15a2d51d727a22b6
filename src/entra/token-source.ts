/**
 * What the rest of Keyward asks of a sign-in: the operator's account and access tokens. Two strategies
 * implement it: MSAL in the web app (msal-adapter.ts) and, inside the Isolated Web App, where MSAL cannot
 * be redirected back to `isolated-app://`, the RFC 8252 loopback flow (loopback-token-source.ts).
 */

/** The signed-in operator as the ID token describes them. */
export interface SignedInAccount {
  readonly name: string;
  readonly username: string;
  readonly tenantId: string;
  readonly objectId: string;
  /** The raw ID token claims (no secrets: identity and role ids only). */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Issues access tokens for the signed-in operator. */
export interface TokenSource {
  /** The account restored from this browser's cache, if any. */
  currentAccount(): SignedInAccount | null;
  /** Interactive sign-in; `fresh` forces credentials to be entered again (the operator passcode). */
  signIn(options?: { fresh?: boolean }): Promise<SignedInAccount>;
  /** An access token for `scopes` (one resource), silently when possible. */
  getAccessToken(scopes: readonly string[]): Promise<string>;
  /** Forgets this browser's tokens for the operator. */
  signOut(): Promise<void>;
}

/** The scopes of every interactive sign-in (an ID token and a refresh token). */
export const LOGIN_SCOPES = ['openid', 'profile', 'offline_access'] as const;
