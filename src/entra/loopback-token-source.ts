/**
 * Sign-in inside the Isolated Web App, where MSAL cannot be redirected back to `isolated-app://` and
 * COOP cuts popups: RFC 8252's loopback pattern. The authorization page opens in a browser tab; it
 * redirects to `http://localhost:<port>/`, served by a loopback listener inside the app (a Direct Sockets
 * `TCPServerSocket`); the code is redeemed with PKCE by `fetch` (loopback-sign-in.ts).
 *
 * Tokens live in this object only (memory): closing the app window signs the operator out. Interactive
 * sign-ins run one at a time.
 */
import { AppError } from '../app-error';
import type { EntraSettings } from '../config/deployment';
import type { OpenLoopbackListener } from './loopback-listener';
import {
  authorizeUrl,
  awaitAuthorizationCode,
  discoverEndpoints,
  jwtClaims,
  pkceChallenge,
  randomToken,
  requestToken,
  type OidcEndpoints,
  type TokenResponse,
} from './loopback-sign-in';
import { SIGN_IN_WINDOW_TIMEOUT_MS } from './sign-in-window';
import { LOGIN_SCOPES, type SignedInAccount, type TokenSource } from './token-source';

/** What the strategy needs from its surroundings. */
export interface LoopbackDeps {
  /** Opens the loopback listener (Direct Sockets in the app; a Node server in tests). */
  readonly openListener: OpenLoopbackListener;
  /** Shows the authorization page to the operator (a browser tab). */
  readonly openBrowser: (url: string) => void;
  readonly fetch?: typeof fetch;
  /** How long to wait for the redirect. */
  readonly timeoutMs?: number;
}

/** Access tokens are renewed this long before they expire. */
const EXPIRY_MARGIN_MS = 60_000;

export class LoopbackTokenSource implements TokenSource {
  #endpoints: OidcEndpoints | undefined;
  #account: SignedInAccount | null = null;
  #refreshToken: string | undefined;
  readonly #accessTokens = new Map<string, { token: string; expiresAt: number }>();
  #interactive: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: EntraSettings,
    private readonly deps: LoopbackDeps,
  ) {}

  currentAccount(): SignedInAccount | null {
    return this.#account;
  }

  signIn(options: { fresh?: boolean } = {}): Promise<SignedInAccount> {
    const run = this.#interactive.then(() => this.#signIn(options.fresh === true));
    this.#interactive = run.catch(() => undefined);
    return run;
  }

  async getAccessToken(scopes: readonly string[]): Promise<string> {
    if (!this.#account) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    const key = [...scopes].sort().join(' ');
    const cached = this.#accessTokens.get(key);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached.token;
    if (this.#refreshToken) {
      try {
        return await this.#refreshFor(key);
      } catch (e) {
        // An expired or revoked refresh token needs the operator; anything else is reported as it is.
        if (!(e instanceof AppError) || e.fields.oauthError !== 'invalid_grant') throw e;
      }
    }
    await this.signIn();
    return this.#refreshFor(key);
  }

  async #refreshFor(key: string): Promise<string> {
    const refreshToken = this.#refreshToken;
    if (!refreshToken) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    const tokens = await this.#redeem({ grant_type: 'refresh_token', refresh_token: refreshToken, scope: key });
    this.#accessTokens.set(key, { token: tokens.access_token, expiresAt: Date.now() + tokens.expires_in * 1000 });
    return tokens.access_token;
  }

  async signOut(): Promise<void> {
    this.#account = null;
    this.#refreshToken = undefined;
    this.#accessTokens.clear();
  }

  async #signIn(fresh: boolean): Promise<SignedInAccount> {
    const endpoints = await this.#discover();
    const listener = await this.deps.openListener();
    try {
      const redirectUri = `http://localhost:${listener.port}/`;
      const verifier = randomToken();
      const state = randomToken();
      const nonce = randomToken();
      const url = authorizeUrl(endpoints.authorizationEndpoint, {
        clientId: this.settings.clientId,
        redirectUri,
        scope: LOGIN_SCOPES.join(' '),
        state,
        nonce,
        challenge: await pkceChallenge(verifier),
        prompt: fresh ? 'login' : 'select_account',
      });
      this.deps.openBrowser(url);
      const code = await withTimeout(
        awaitAuthorizationCode(listener, state),
        this.deps.timeoutMs ?? SIGN_IN_WINDOW_TIMEOUT_MS,
      );
      const tokens = await this.#redeem({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        scope: LOGIN_SCOPES.join(' '),
      });
      this.#account = this.#accountFrom(tokens, endpoints.issuer, nonce);
      this.#accessTokens.clear();
      return this.#account;
    } finally {
      await listener.close();
    }
  }

  async #discover(): Promise<OidcEndpoints> {
    this.#endpoints ??= await discoverEndpoints(this.settings.authorityHost, this.settings.tenantId, this.deps.fetch);
    return this.#endpoints;
  }

  async #redeem(form: Record<string, string>): Promise<TokenResponse> {
    const { tokenEndpoint } = await this.#discover();
    const tokens = await requestToken(
      tokenEndpoint,
      { client_id: this.settings.clientId, ...form },
      this.settings.authorityHost,
      this.deps.fetch,
    );
    if (tokens.refresh_token) this.#refreshToken = tokens.refresh_token;
    return tokens;
  }

  /** The operator from the ID token, after checking it was issued to this app, by this issuer, for this sign-in. */
  #accountFrom(tokens: TokenResponse, issuer: string, nonce: string): SignedInAccount {
    if (!tokens.id_token) throw new AppError('entra', 'SIGN_IN_FAILED', 'The token response had no ID token.');
    const claims = jwtClaims(tokens.id_token);
    const expectedIssuer = issuer.replace('{tenantid}', String(claims.tid ?? ''));
    if (claims.aud !== this.settings.clientId || claims.iss !== expectedIssuer || claims.nonce !== nonce)
      throw new AppError('entra', 'SIGN_IN_FAILED', 'The ID token is not for this sign-in.', {
        oauthError: 'id_token_mismatch',
      });
    return {
      name: String(claims.name ?? claims.preferred_username ?? ''),
      username: String(claims.preferred_username ?? ''),
      tenantId: String(claims.tid ?? ''),
      objectId: String(claims.oid ?? claims.sub ?? ''),
      claims,
    };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('entra', 'SIGN_IN_TIMED_OUT', 'No redirect arrived.', { timeoutSeconds: ms / 1000 })),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
