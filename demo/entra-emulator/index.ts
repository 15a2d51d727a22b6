/**
 * Entra ID emulator for tests and the demo (never part of the production app build): an OIDC provider
 * that browser MSAL (`ProtocolMode.OIDC`, `knownAuthorities: ['localhost:<port>']`) talks to unmodified,
 * a sign-in page listing the seeded accounts, and the Microsoft Graph subset Keyward uses.
 *
 * URL layout on `origin`:
 * - `/<tenantId>/v2.0/…`: the provider (discovery at `${issuer}/.well-known/openid-configuration`);
 * - `/<tenantId>/login/<uid>`: the sign-in page; `/entra-static/sign-in.css`: its stylesheet;
 * - `/graph/v1.0/…`: Graph.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { getRequestListener } from '@hono/node-server';
import { parseWithheld } from './consent';
import { createGraphApp } from './graph/app';
import { TapStore } from './graph/tap-store';
import { Throttle } from './graph/throttle';
import { CreateFaults } from './graph/create-faults';
import { WriteQuota, type WriteQuotaSettings, type WriteQuotaStats } from './graph/write-quota';
import { HAS_PASS_MEMBER } from './onboarding-group';
import { handleLoginRequest } from './login-page';
import { createOidcProvider } from './oidc';
import { registration } from './redirect-platforms';
import { routeRequests } from './request-routes';
import { SigningKey } from './signing';
import { guardTokenRedemption } from './token-redemption';
import { DEMO_RELAY_CLIENT_SECRET, Tenant, type TapPolicy } from './tenant';
import { mintAccessToken } from './mint';
import type { AppIds, Audience } from './token-claims';
import type { RELAY_APP_GRAPH_ROLES } from './app-only';

export * from './tenant';
export * from './onboarding-group';
export type { WriteQuotaSettings, WriteQuotaStats } from './graph/write-quota';
export { GRAPH_WRITE_QUOTA } from './graph/write-quota';
export type { TapRecord } from './graph/tap-store';
export { RELAY_APP_GRAPH_ROLES, RELAY_SERVICE_PRINCIPAL_ID } from './app-only';

/** How to build an emulator. */
export interface EntraEmulatorOptions {
  /** Public https origin the emulator is served at, e.g. 'https://localhost:8443' (no trailing slash). */
  origin: string;
  tenantId: string;
  spaClientId: string;
  spaRedirectUris: string[];
  /** The same registration's redirect URIs under "Mobile and desktop applications" and "Web" (redirect-platforms.ts). */
  publicClientRedirectUris?: string[];
  webRedirectUris?: string[];
  /** The registration's "Allow public client flows" (a Web redirect URI then needs no secret). */
  allowPublicClientFlows?: boolean;
  /** Page origins Graph answers besides the SPA redirect URIs' (the installed app's `isolated-app://<id>`). */
  pageOrigins?: string[];
  relayClientId: string;
  /** Client secret of the relay app for the client credentials grant; defaults to DEMO_RELAY_CLIENT_SECRET. */
  relayClientSecret?: string;
  /** Optional line logger (never given codes, tokens or TAP values). */
  log?: (line: string) => void;
  /** The identity write quota; Graph's 3,000 writes per 150 s per app when absent. */
  writeQuota?: WriteQuotaSettings;
  /** Generated members in no group ("Load Starter0001"…), for load runs and CSV batches in tests. */
  loadMembers?: number;
}

/** A TAP as `control.tapFor` reports it, code included. */
export interface TapSnapshot {
  id: string;
  temporaryAccessPass: string;
  createdDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  startDateTime: string;
}

/** A running emulator. */
export interface EntraEmulator {
  /** `${origin}/${tenantId}/v2.0` */
  readonly issuer: string;
  /** `${origin}/graph` */
  readonly graphBaseUrl: string;
  /** Node request listener for the whole emulator; mount it on an https server. */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  readonly control: {
    /** The next `count` Graph requests answer 429 with `Retry-After: retryAfterSeconds`. */
    inject429(count: number, retryAfterSeconds: number, method?: string): void;
    /** The next `count` `$batch` items answer 429 with `Retry-After` (their batch answers 200). */
    inject429Items(count: number, retryAfterSeconds: number): void;
    /** Resizes the identity write quota (and restarts its window and counts). */
    setWriteQuota(settings: WriteQuotaSettings): void;
    /** Writes the quota let through and refused since it was last sized. */
    writeStats(): WriteQuotaStats;
    /** The next pass create for `userId` (anyone when null) lands, then answers 504 GatewayTimeout. */
    timeoutAfterCreate(userId: string | null): void;
    /** Current TAP (with its code, for tests) held for a user id, or undefined. */
    tapFor(userId: string): TapSnapshot | undefined;
    /** Replaces policy fields (not range-checked, so tests can reach Graph's absolute bounds). */
    setTapPolicy(patch: Partial<TapPolicy>): void;
    /** Mints an access token signed like issued ones (same key, claims and header). */
    mintAccessToken(opts: {
      userId: string;
      audience: Audience;
      scopes: string[];
      expiresInSeconds?: number;
    }): Promise<string>;
    /**
     * Withholds the tenant's admin consent for these delegated permissions (short names such as
     * 'UserAuthMethod-TAP.ReadWrite.All'), replacing the previous set; `[]` consents everything again.
     * Throws on a permission the emulator does not know. What changes: consent.ts.
     */
    withholdConsent(permissions: readonly string[]): void;
    /** Withholds admin consent for these application permissions of the relay app; `[]` grants them all again. */
    withholdAppConsent(permissions: readonly (typeof RELAY_APP_GRAPH_ROLES)[number][]): void;
  };
  readonly tenant: Tenant;
  close(): Promise<void>;
}

/** Creates the emulator (keys, provider, Graph app) without listening. */
export async function createEntraEmulator(opts: EntraEmulatorOptions): Promise<EntraEmulator> {
  const log = opts.log ?? (() => {});
  const issuer = `${opts.origin}/${opts.tenantId}/v2.0`;
  const graphBaseUrl = `${opts.origin}/graph`;
  const ids: AppIds = {
    issuer,
    tenantId: opts.tenantId,
    spaClientId: opts.spaClientId,
    relayClientId: opts.relayClientId,
  };
  const tenant = new Tenant(opts.tenantId, opts.loadMembers ?? 0);
  const key = await SigningKey.generate();
  const taps = new TapStore(() => tenant.tapPolicy);
  const throttle = new Throttle();
  const quota = new WriteQuota();
  if (opts.writeQuota) quota.configure(opts.writeQuota);
  const faults = new CreateFaults();
  // One member of the onboarding group holds a pass from the start (the longest the policy allows).
  taps.create(tenant.byDisplayName(HAS_PASS_MEMBER).id, {
    lifetimeInMinutes: tenant.tapPolicy.maximumLifetimeInMinutes,
  });
  const loginPath = `/${opts.tenantId}/login`;
  const redirects = registration(opts.spaRedirectUris, opts.publicClientRedirectUris, opts.webRedirectUris);
  const provider = createOidcProvider({
    ids,
    tenant,
    key,
    spaRedirectUris: opts.spaRedirectUris,
    redirects,
    relayClientSecret: opts.relayClientSecret ?? DEMO_RELAY_CLIENT_SECRET,
    loginPath,
    log,
  });
  // Trust X-Forwarded-Proto, so the emulator also works behind a TLS-terminating proxy (its cookies are Secure).
  provider.proxy = true;
  const corsOrigins = [
    ...new Set([...opts.spaRedirectUris.map((u) => new URL(u).origin), ...(opts.pageOrigins ?? [])]),
  ];
  const graph = createGraphApp(
    { tenant, taps, key, issuer, graphBaseUrl, corsOrigins, throttle, quota, faults, log, now: () => new Date() },
    '/graph',
  );
  const listener = routeRequests({
    ids,
    tenant,
    loginPath,
    graph: getRequestListener(graph.fetch, { overrideGlobalObjects: false }),
    login: (req, res) => handleLoginRequest({ provider, tenant, ids, loginPath, log }, req, res),
    provider: guardTokenRedemption({ ...opts, provider, clientId: opts.spaClientId, redirects }, provider.callback()),
  });

  return {
    issuer,
    graphBaseUrl,
    listener,
    tenant,
    control: {
      inject429: (count, retryAfterSeconds, method) => throttle.inject(count, retryAfterSeconds, method),
      inject429Items: (count, retryAfterSeconds) => throttle.injectItems(count, retryAfterSeconds),
      setWriteQuota: (settings) => quota.configure(settings),
      writeStats: () => quota.stats(),
      timeoutAfterCreate: (userId) => faults.timeoutAfterCreate(userId),
      tapFor: (userId) => snapshot(taps, userId),
      setTapPolicy: (patch) => {
        tenant.tapPolicy = { ...tenant.tapPolicy, ...patch };
      },
      mintAccessToken: (o) => mintAccessToken(ids, tenant, key, o),
      withholdConsent: (permissions) => {
        tenant.withheldConsent = parseWithheld(permissions);
        log(`consent withheld for: ${[...tenant.withheldConsent].join(', ') || '(none)'}`);
      },
      withholdAppConsent: (permissions) => {
        tenant.withheldAppConsent = new Set(permissions);
        log(`application consent withheld for: ${permissions.join(', ') || '(none)'}`);
      },
    },
    close: async () => {},
  };
}

function snapshot(taps: TapStore, userId: string): TapSnapshot | undefined {
  const r = taps.get(userId);
  if (!r) return undefined;
  return {
    id: r.id,
    temporaryAccessPass: r.temporaryAccessPass,
    createdDateTime: r.createdDateTime,
    lifetimeInMinutes: r.lifetimeInMinutes,
    isUsableOnce: r.isUsableOnce,
    startDateTime: r.startDateTime,
  };
}

/** Starts the emulator on an https server (127.0.0.1 unless `host` is given). */
export async function startEntraEmulator(
  opts: EntraEmulatorOptions & { port: number; host?: string; tls: { cert: string; key: string } },
): Promise<EntraEmulator & { port: number }> {
  const emulator = await createEntraEmulator(opts);
  const server = createServer({ cert: opts.tls.cert, key: opts.tls.key }, emulator.listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    ...emulator,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
