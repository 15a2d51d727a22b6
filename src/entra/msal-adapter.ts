/**
 * The one adapter around `@azure/msal-browser` v5. Everything else asks this module for tokens.
 *
 * - Silent first, then interactive (popup). Interactive calls are serialised: MSAL allows one at a time
 *   and otherwise fails with `interaction_in_progress`.
 * - Popups land on the redirect bridge page (auth-redirect.html), which hands the response to this
 *   window over a BroadcastChannel, so the app can keep COOP `same-origin`.
 * - In an installed PWA window popups are opened straight at the authority (`navigatePopups: false`).
 * - Real Entra (login.microsoftonline.com and the sovereign clouds) uses the AAD protocol mode; any other
 *   authority host (the Entra emulator) is treated as a plain OIDC provider and must be listed in
 *   `knownAuthorities`, or MSAL would ask login.microsoftonline.com for instance discovery.
 */
import {
  CacheLookupPolicy,
  createStandardPublicClientApplication,
  ProtocolMode,
  type AccountInfo,
  type AuthError,
  type IPublicClientApplication,
} from '@azure/msal-browser';
import { SIGN_IN_WINDOW_TIMEOUT_MS } from './sign-in-window';
import { AppError } from '../app-error';
import type { EntraSettings, TokenCacheLocation } from '../config/deployment';
import { OAUTH_ERROR_CODES } from './sign-in-errors';
import { LOGIN_SCOPES, type SignedInAccount, type TokenSource } from './token-source';

const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
]);

export type { SignedInAccount, TokenSource } from './token-source';

/** What a Keyward app asks of MSAL besides the Entra settings. */
export interface TokenSourceOptions {
  /** Where tokens live (the deployment's `tokenCache`; sessionStorage unless it says otherwise). */
  readonly cache?: TokenCacheLocation;
  /**
   * Resource scopes the interactive sign-in asks consent for besides the OpenID ones (the self-service
   * page: Graph `User.Read` only). The operator console asks for its scopes when it first needs a token.
   */
  readonly signInScopes?: readonly string[];
}

/** True when the app runs as an installed PWA window. */
function runsInstalled(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches;
}

/** Creates and initialises the MSAL client for `settings` (see {@link TokenSourceOptions}). */
export async function createMsalTokenSource(
  settings: EntraSettings,
  redirectUri: string,
  { cache = 'sessionStorage', signInScopes = [] }: TokenSourceOptions = {},
): Promise<TokenSource> {
  const aad = MICROSOFT_AUTHORITY_HOSTS.has(settings.authorityHost.toLowerCase());
  const authority = aad
    ? `https://${settings.authorityHost}/${settings.tenantId}`
    : `https://${settings.authorityHost}/${settings.tenantId}/v2.0`;
  let pca: IPublicClientApplication;
  try {
    pca = await createStandardPublicClientApplication({
      auth: { clientId: settings.clientId, authority, knownAuthorities: [settings.authorityHost], redirectUri },
      cache: { cacheLocation: cache },
      system: {
        protocolMode: aad ? ProtocolMode.AAD : ProtocolMode.OIDC,
        navigatePopups: !runsInstalled(),
        popupBridgeTimeout: SIGN_IN_WINDOW_TIMEOUT_MS,
      },
    });
  } catch (cause) {
    throw mapMsalError(cause, settings.authorityHost);
  }
  return new MsalTokenSource(pca, settings.authorityHost, [...LOGIN_SCOPES, ...signInScopes]);
}

class MsalTokenSource implements TokenSource {
  /** Tail of the queue that serialises interactive calls. */
  #interactive: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pca: IPublicClientApplication,
    private readonly authorityHost: string,
    private readonly loginScopes: readonly string[],
  ) {
    const [first] = pca.getAllAccounts();
    if (!pca.getActiveAccount() && first) pca.setActiveAccount(first);
  }

  currentAccount(): SignedInAccount | null {
    const a = this.pca.getActiveAccount();
    return a ? toSignedIn(a) : null;
  }

  signIn(options: { fresh?: boolean } = {}): Promise<SignedInAccount> {
    return this.#serialise(async () => {
      const result = await this.pca.loginPopup({
        scopes: [...this.loginScopes],
        prompt: options.fresh ? 'login' : 'select_account',
      });
      if (!result.account) throw new AppError('entra', 'SIGN_IN_FAILED', 'The sign-in returned no account.');
      this.pca.setActiveAccount(result.account);
      return toSignedIn(result.account);
    });
  }

  async getAccessToken(scopes: readonly string[]): Promise<string> {
    const account = this.pca.getActiveAccount();
    if (!account) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    try {
      // Cache and refresh token only: COEP require-corp rules out MSAL's hidden-iframe renewal.
      const request = { scopes: [...scopes], account, cacheLookupPolicy: CacheLookupPolicy.AccessTokenAndRefreshToken };
      return (await this.pca.acquireTokenSilent(request)).accessToken;
    } catch (e) {
      const mapped = mapMsalError(e, this.authorityHost);
      if (mapped.code === 'OFFLINE' || mapped.code === 'AUTHORITY_UNREACHABLE') throw mapped;
    }
    return this.#serialise(
      async () => (await this.pca.acquireTokenPopup({ scopes: [...scopes], account })).accessToken,
    );
  }

  async signOut(): Promise<void> {
    const account = this.pca.getActiveAccount();
    await this.pca.clearCache(account ? { account } : undefined);
    this.pca.setActiveAccount(null);
  }

  #serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#interactive.then(task, task).catch((e: unknown) => {
      throw mapMsalError(e, this.authorityHost);
    });
    this.#interactive = run.catch(() => undefined);
    return run;
  }
}

function toSignedIn(a: AccountInfo): SignedInAccount {
  const claims = (a.idTokenClaims ?? {}) as Record<string, unknown>;
  return {
    name: a.name ?? a.username,
    username: a.username,
    tenantId: a.tenantId || String(claims.tid ?? ''),
    objectId: String(claims.oid ?? a.localAccountId),
    claims,
  };
}

/** MSAL error codes we turn into words; the UI's describeError() reads `code`. */
const MSAL_CODES: Record<string, string> = {
  user_cancelled: 'SIGN_IN_CANCELLED',
  popup_window_error: 'POPUP_BLOCKED',
  empty_window_error: 'POPUP_BLOCKED',
  interaction_in_progress: 'INTERACTION_IN_PROGRESS',
  // Under COOP same-origin the page cannot see the sign-in window close; MSAL gives up after popupBridgeTimeout.
  timed_out: 'SIGN_IN_TIMED_OUT',
  no_network_connectivity: 'OFFLINE',
  endpoints_resolution_error: 'AUTHORITY_UNREACHABLE',
  openid_config_error: 'AUTHORITY_UNREACHABLE',
  network_error: 'AUTHORITY_UNREACHABLE',
  ...OAUTH_ERROR_CODES,
};

/** Maps an MSAL error (by `errorCode`, never by message text) to an `AppError` of layer `entra`. */
export function mapMsalError(e: unknown, authorityHost: string): AppError {
  if (e instanceof AppError) return e;
  const err = e as Partial<AuthError> | undefined;
  const msalCode = err?.errorCode ?? 'unknown';
  const code = MSAL_CODES[msalCode] ?? 'SIGN_IN_FAILED';
  return new AppError(
    'entra',
    code,
    `Sign-in failed (${msalCode}).`,
    {
      msalCode,
      authorityHost,
      subError: err?.subError,
      timeoutSeconds: code === 'SIGN_IN_TIMED_OUT' ? SIGN_IN_WINDOW_TIMEOUT_MS / 1000 : undefined,
    },
    { cause: e },
  );
}
