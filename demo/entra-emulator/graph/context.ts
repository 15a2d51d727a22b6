/**
 * Types shared by the Graph emulator's Hono app and its route modules.
 */
import type { SigningKey } from '../signing';
import type { Tenant, TenantUser } from '../tenant';
import type { TapStore } from './tap-store';
import type { Throttle } from './throttle';

/** The signed-in caller, from a verified Graph access token. */
export interface Caller {
  readonly user: TenantUser;
  /** Delegated permissions (`scp`). */
  readonly scopes: ReadonlySet<string>;
}

/** An app-only caller (client credentials token): the app's client id and application permissions (`roles`). */
export interface AppCaller {
  readonly clientId: string;
  readonly roles: ReadonlySet<string>;
}

/** Everything the Graph app depends on. */
export interface GraphDeps {
  readonly tenant: Tenant;
  readonly taps: TapStore;
  readonly key: SigningKey;
  /** Expected `iss` of access tokens. */
  readonly issuer: string;
  /** Absolute base, e.g. `https://localhost:8443/graph`, for `@odata.context` and `@odata.nextLink`. */
  readonly graphBaseUrl: string;
  /** Browser origins allowed by CORS (the SPA's). */
  readonly corsOrigins: readonly string[];
  readonly throttle: Throttle;
  readonly log: (line: string) => void;
  /** Clock, for tests. */
  readonly now: () => Date;
}

/** Hono environment of the Graph app. */
export interface GraphEnv {
  Variables: {
    requestId: string;
    clientRequestId: string;
    caller: Caller;
    /** Set instead of `caller` for an app-only token, which only `GET /users/{id}` and TAP creation accept. */
    app?: AppCaller;
  };
}
