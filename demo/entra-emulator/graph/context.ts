/**
 * Types shared by the Graph emulator's Hono app and its route modules.
 */
import type { Context } from 'hono';
import type { SigningKey } from '../signing';
import type { Tenant, TenantUser } from '../tenant';
import type { TapStore } from './tap-store';
import type { CreateFaults } from './create-faults';
import type { Throttle } from './throttle';
import type { WriteQuota } from './write-quota';

/** The signed-in caller, from a verified Graph access token. */
export interface Caller {
  readonly user: TenantUser;
  /** The app the token was issued to (`azp`): the write quota counts per app. */
  readonly clientId: string;
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
  /** The identity write quota per app (write-quota.ts). */
  readonly quota: WriteQuota;
  /** Test faults on pass creation (create-faults.ts). */
  readonly faults: CreateFaults;
  readonly log: (line: string) => void;
  /** Clock, for tests. */
  readonly now: () => Date;
}

/** Hono environment of the Graph app. */
export interface GraphEnv {
  /** Set by the `$batch` route on the requests it runs for its items (batch.ts). */
  Bindings: { batchItem?: boolean };
  Variables: {
    requestId: string;
    clientRequestId: string;
    caller: Caller;
    /** Set instead of `caller` for an app-only token, which only `GET /users/{id}` and TAP creation accept. */
    app?: AppCaller;
  };
}

/** Who a request is from, for the log: the app of an app-only token, else the signed-in user. */
export const requester = (c: Context<GraphEnv>): string =>
  c.get('app')?.clientId ?? c.get('caller').user.userPrincipalName;
