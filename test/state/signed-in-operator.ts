/**
 * Set-up for the state-class tests (src/state/*.test.ts) that need a signed-in operator: the Entra
 * emulator over https (Graph for users, passes and the TAP policy), and a token source that stands in for
 * the MSAL adapter, the one outside boundary MSAL-browser needs a real browser for. It signs seeded users
 * in by minting the emulator's own tokens, so Graph checks them as it checks tokens MSAL would bring.
 *
 * Each test file mocks `src/entra/msal-adapter` with `fakeMsalAdapter` (vi.mock is per file).
 */
import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import { AppError } from '../../src/app-error';
import type { DeploymentConfig } from '../../src/config/deployment';
import type { SignedInAccount, TokenSource } from '../../src/entra/msal-adapter';
import { SessionState } from '../../src/state/session.svelte';
import {
  DEMO_RELAY_CLIENT_ID,
  DEMO_SPA_CLIENT_ID,
  DEMO_TENANT_ID,
  type EntraEmulator,
  type TenantUser,
} from '../../demo/entra-emulator/index';
import { SPA_GRAPH_PERMISSIONS } from '../../demo/entra-emulator/token-claims';
import { freePort } from '../support/free-port';
import { startTestEntra } from '../support/test-entra';
import { testTls } from '../support/test-tls';

type RunningEmulator = EntraEmulator & { port: number };

let emulator: RunningEmulator | null = null;
/** The account this "browser" remembers, as MSAL's cache would. */
let remembered: SignedInAccount | null = null;
/** Who signs in at the next interactive sign-in; null: the operator closes the window. */
let nextSignIn: string | null = null;

function running(): RunningEmulator {
  if (!emulator) throw new Error('startTenant() first');
  return emulator;
}

function accountOf(user: TenantUser): SignedInAccount {
  return {
    name: user.displayName,
    username: user.userPrincipalName,
    tenantId: DEMO_TENANT_ID,
    objectId: user.id,
    claims: { oid: user.id, tid: DEMO_TENANT_ID, wids: [...user.directoryRoles] },
  };
}

/**
 * Graph scope URIs lose their resource; the relay's `api://…/Mail.Send` keeps only the scope name. A Graph
 * token carries every permission consented for the SPA, as Entra's (and the emulator's sign-in) do, not
 * only those asked for: Batch TAP's group search relies on GroupMember.Read.All being among them.
 */
function audienceAndScopes(scopes: readonly string[]): { audience: 'graph' | 'relay'; scopes: string[] } {
  const relay = scopes.some((s) => s.startsWith('api://'));
  const named = scopes.map((s) => s.slice(s.lastIndexOf('/') + 1));
  return relay
    ? { audience: 'relay', scopes: named }
    : { audience: 'graph', scopes: [...new Set([...named, ...SPA_GRAPH_PERMISSIONS])] };
}

const tokenSource: TokenSource = {
  currentAccount: () => remembered,
  async signIn() {
    if (!nextSignIn) throw new AppError('entra', 'SIGN_IN_CANCELLED', 'The sign-in window was closed.');
    remembered = accountOf(running().tenant.byDisplayName(nextSignIn));
    return remembered;
  },
  async getAccessToken(scopes) {
    if (!remembered) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    return running().control.mintAccessToken({ userId: remembered.objectId, ...audienceAndScopes(scopes) });
  },
  async signOut() {
    remembered = null;
  },
};

/** What `vi.mock('…/entra/msal-adapter', () => fakeMsalAdapter)` puts in place of the MSAL adapter. */
export const fakeMsalAdapter = {
  createMsalTokenSource: async (): Promise<TokenSource> => tokenSource,
};

/** The test tenant: the running emulator and a deployment file pointing at it. */
export interface TestTenant {
  readonly emulator: RunningEmulator;
  /** The emulator's Graph; a relay address where nothing listens (the relay is not what these tests are about). */
  readonly deployment: DeploymentConfig;
  /** Who signs in at the next interactive sign-in (`null`: the window is closed); `remember` restores them at start. */
  signInNext(displayName: string | null, remember?: boolean): void;
}

/**
 * Starts the emulator (call in beforeAll; `emulator.close()` in afterAll), with the page's address the
 * MSAL adapter builds its redirect from.
 */
export async function startTenant(): Promise<TestTenant> {
  vi.stubGlobal('location', { origin: 'http://localhost:8080' });
  emulator = await startTestEntra(testTls());
  const port = emulator.port;
  const relayPort = await freePort();
  const deployment: DeploymentConfig = {
    entra: {
      tenantId: DEMO_TENANT_ID,
      clientId: DEMO_SPA_CLIENT_ID,
      authorityHost: `localhost:${port}`,
      graphBaseUrl: emulator.graphBaseUrl,
      relayScope: `api://${DEMO_RELAY_CLIENT_ID}/Mail.Send`,
    },
    relayUrl: `http://127.0.0.1:${relayPort}`,
  };
  remembered = null;
  nextSignIn = null;
  return {
    emulator,
    deployment,
    signInNext(displayName, remember = false) {
      nextSignIn = displayName;
      remembered = remember && displayName ? accountOf(running().tenant.byDisplayName(displayName)) : null;
    },
  };
}

/** A sign-in state (the console's session, the holder's page): what `useSignIn` needs of one. */
interface SignInLike {
  deployment: DeploymentConfig | null;
  onSignedIn(listener: () => void): unknown;
  init(): Promise<unknown>;
}

/**
 * For a test file about one sign-in state: the tenant started before its tests and closed after them,
 * nobody signing in unless a test says who. `started()` makes a new state over the tenant's deployment,
 * counting the sign-ins it announces, and starts it (`init`: a remembered account is restored).
 */
export function useSignIn<T extends SignInLike>(
  make: () => T,
): { tenant: () => TestTenant; started: () => Promise<{ state: T; announced: { count: number } }> } {
  let current: TestTenant | undefined;
  beforeAll(async () => {
    current = await startTenant();
  });
  afterAll(() => current?.emulator.close());
  beforeEach(() => current!.signInNext(null));
  const tenant = () => current!;
  const started = async () => {
    const state = make();
    state.deployment = tenant().deployment;
    const announced = { count: 0 };
    state.onSignedIn(() => announced.count++);
    await state.init();
    return { state, announced };
  };
  return { tenant, started };
}

/** Waits until `check` holds: debounced searches and Graph answers arrive in their own time. */
export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`condition not met within ${timeoutMs} ms`);
}

/**
 * For a test file: the tenant started before its tests (and closed after), with `displayName` signed in
 * as this browser's remembered operator. The fields are filled once `beforeAll` has run.
 */
export function signedInOperator(displayName = 'Aisha Operator'): { tenant: TestTenant; session: SessionState } {
  const ctx = {} as { tenant: TestTenant; session: SessionState };
  beforeAll(async () => {
    ctx.tenant = await startTenant();
    ctx.tenant.signInNext(displayName, true);
    ctx.session = new SessionState();
    ctx.session.deployment = ctx.tenant.deployment;
    await ctx.session.init();
  });
  afterAll(() => ctx.tenant.emulator.close());
  return ctx;
}
