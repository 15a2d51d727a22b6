/**
 * The slice of oidc-provider 9.13's API that the emulator uses. The package ships no type declarations
 * and `@types/oidc-provider` lags the major version, so these are written from its source
 * (lib/provider.js, lib/helpers/defaults.js, lib/helpers/resource_server.js, lib/models/grant.js).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type Listener = (req: IncomingMessage, res: ServerResponse) => void;

  /** A resource server resolved for a request (helpers/resource_server.js). */
  export interface ResourceServer {
    readonly audience?: string;
    readonly scope?: string;
    readonly scopes: Set<string>;
    identifier(): string;
  }

  /** The client as the provider's callbacks see it. */
  export interface ClientView {
    readonly clientId: string;
    readonly redirectUris: string[];
    grantTypeAllowed(grantType: string): boolean;
  }

  /** `ctx.oidc`, the per-request OIDC context (helpers/oidc_context.js). */
  export interface OidcContext {
    readonly route: string;
    readonly params?: Record<string, unknown> & { scope?: string; resource?: string | string[] };
    readonly body?: Record<string, unknown>;
    readonly session?: { readonly accountId?: string; grantIdFor(clientId: string): string | undefined };
    readonly client?: ClientView;
    readonly result?: { consent?: { grantId?: string } };
    readonly resourceServers: Record<string, ResourceServer>;
    readonly entities: { readonly Grant?: Grant };
    readonly provider: Provider;
  }

  /** The Koa context with `oidc`, passed to configuration callbacks. */
  export interface KoaContextWithOIDC {
    readonly oidc: OidcContext;
    body: unknown;
    type: string;
    set(field: string, value: string): void;
  }

  /** Access/refresh token model fields the callbacks read. */
  export interface TokenView {
    /** Model name, e.g. `AccessToken` or `ClientCredentials`. */
    readonly kind?: string;
    readonly accountId?: string;
    readonly clientId?: string;
    readonly scope?: string;
    readonly resourceServer?: ResourceServer;
  }

  /** A JWT access token before signing, as `formats.customizers.jwt` receives it. */
  export interface StructuredJwt {
    header?: Record<string, unknown>;
    payload: Record<string, unknown>;
  }

  /** A consent grant (models/grant.js). */
  export interface Grant {
    readonly jti: string;
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    getOIDCScope(): string;
    getResourceScope(resource: string): string;
    save(): Promise<string>;
  }

  /** Interaction details (models/interaction.js). */
  export interface InteractionDetails {
    readonly uid: string;
    readonly prompt: { name: string };
    readonly params: Record<string, unknown> & { client_id?: string; scope?: string };
    readonly session?: { accountId?: string };
  }

  /** An account as `findAccount` returns it. */
  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  /** Provider configuration; only the members the emulator sets are typed. */
  export type Configuration = Record<string, unknown>;

  /** The provider: a Koa application with OIDC routes. */
  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: {
      new (init: { accountId: string; clientId: string }): Grant;
      find(id: string): Promise<Grant | undefined>;
    };
    /** Stored codes and refresh tokens (models/authorization_code.js, models/refresh_token.js). */
    readonly AuthorizationCode: {
      find(
        value: string,
        options?: { ignoreExpiration?: boolean },
      ): Promise<{ grantId?: string; redirectUri?: string } | undefined>;
    };
    readonly RefreshToken: {
      find(value: string, options?: { ignoreExpiration?: boolean }): Promise<{ grantId?: string } | undefined>;
    };
    /** The client model (models/client.js); the emulator replaces its redirect URI matching. */
    readonly Client: { prototype: { redirectUriAllowed(this: { redirectUris: string[] }, uri: string): boolean } };
    callback(): Listener;
    /** Adds Koa middleware in front of every route (provider.js `use`). */
    use(middleware: (ctx: never, next: () => Promise<void>) => Promise<void>): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
    /** An error answered as `{ error: message, error_description: description }` with status 400. */
    CustomOIDCProviderError: new (message: string, description?: string) => Error;
  };
}
