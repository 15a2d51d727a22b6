/**
 * The relay's app for tests: its configuration for the fake tenant (fake-tenant.ts) in demo mode, the
 * real token verifier reading keys through a given fetch (the fake tenant's, or one trusting the Entra
 * emulator's CA), and `createApp` wired with them and an in-memory log. Only the outside world is faked.
 */
import { createApp, type RelayDeps } from '../../relay/app';
import { loadConfig, type RelayConfig } from '../../relay/config';
import type { JwksFetch } from '../../relay/jwks';
import { createLogger, createMemorySink } from '../../relay/log';
import { createConfiguredVerifier } from '../../relay/token';
import type { JWTPayload } from 'jose';
import { beforeEach } from 'vitest';
import type { AppError } from '../../src/app-error';
import { rejectionOf } from './rejection';
import {
  AUTHORITY_HOST,
  createFakeTenant,
  mintToken,
  operatorClaims,
  RELAY_CLIENT_ID,
  TENANT_ID,
  type FakeTenant,
} from './fake-tenant';

/** The page origin the test relays allow. */
export const TEST_PAGE_ORIGIN = 'http://localhost:5173';

/**
 * A throwaway key-encryption key for this test process, so test relays hold card keys (relay/card-keys)
 * without generating the demo's KEK file in `.demo/`.
 */
export const TEST_KEK = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');

/** The configuration for the fake tenant in demo mode; `env` overrides or adds variables. */
export function testRelayConfig(env: Record<string, string | undefined> = {}): RelayConfig {
  return loadConfig({
    TENANT_ID,
    RELAY_CLIENT_ID,
    AUTHORITY_HOST,
    ALLOWED_ORIGINS: TEST_PAGE_ORIGIN,
    DEMO: '1',
    KEYWARD_KEK: TEST_KEK,
    ...env,
  });
}

/** What {@link buildTestApp} needs: the keys' fetch, and any of the app's other dependencies. */
export type TestAppDeps = Partial<Omit<RelayDeps, 'verifier' | 'log'>> & {
  fetch: JwksFetch;
  /** The JWKS source's cooldown between refetches (jose's default is 30 s). */
  cooldownMs?: number;
  clockToleranceSec?: number;
};

/** A relay app and the log records it wrote. */
export interface TestApp {
  app: ReturnType<typeof createApp>;
  config: RelayConfig;
  logs: Record<string, unknown>[];
}

/** `createApp` with the real verifier for `config` (default {@link testRelayConfig}) over `fetch`. */
export function buildTestApp(options: TestAppDeps): TestApp {
  const { fetch, config = testRelayConfig(), cooldownMs, clockToleranceSec, ...deps } = options;
  const memory = createMemorySink();
  const jwks = cooldownMs === undefined ? { fetch } : { fetch, cooldownMs };
  const verifier = createConfiguredVerifier(config, jwks, clockToleranceSec);
  const app = createApp({ ...deps, config, verifier, log: createLogger({ sink: memory.sink }) });
  return { app, config, logs: memory.records };
}

/** The relay's one JSON error shape, as tests read it. */
export type ErrorJson = {
  error: { code: string; message: string; retryable: boolean; requestId: string; problems?: string[] };
};

/** A fresh fake tenant and app for each test, and a minter of operator tokens with overrides. */
export interface FreshApp extends TestApp {
  tenant: FakeTenant;
  token(overrides?: JWTPayload): Promise<string>;
}

/**
 * Registers a `beforeEach` that builds a new fake tenant and an app over `config` for each test, with no
 * JWKS cooldown (so a rotated key is picked up at once), 30 s of clock tolerance and version 9.9.9.
 */
export function useFreshApp(config: RelayConfig): FreshApp {
  const fresh = {
    token: (overrides: JWTPayload = {}) => mintToken(fresh.tenant.key, { ...operatorClaims(), ...overrides }),
  } as FreshApp;
  beforeEach(async () => {
    fresh.tenant = await createFakeTenant();
    const built = buildTestApp({
      fetch: fresh.tenant.fetch,
      config,
      version: '9.9.9',
      cooldownMs: 0,
      clockToleranceSec: 30,
    });
    Object.assign(fresh, built);
  });
  return fresh;
}

/** A signed-in person of the fake tenant, with the app roles they hold. */
export interface Person {
  oid: string;
  name: string;
  roles: string[];
}

/** The fake tenant's people, one per app role (and one with none). */
export const PEOPLE = {
  olivia: { oid: 'oid-olivia', name: 'Olivia Operator', roles: ['Keyward.Operator'] },
  priya: { oid: 'oid-priya', name: 'Priya Operator', roles: ['Keyward.Operator'] },
  adam: { oid: 'oid-adam', name: 'Adam Admin', roles: ['Keyward.Administrator'] },
  audrey: { oid: 'oid-audrey', name: 'Audrey Auditor', roles: ['Keyward.Auditor'] },
  nina: { oid: 'oid-nina', name: 'Nina NoRole', roles: [] },
} satisfies Record<string, Person>;

/** The `Authorization` header of a relay token for `who`, signed by `tenant`. */
export async function bearerFor(tenant: FakeTenant, who: Person): Promise<{ Authorization: string }> {
  return { Authorization: `Bearer ${await mintToken(tenant.key, { ...operatorClaims(), ...who })}` };
}

/** The relay `AppError` that `pending` rejects with; throws if it resolves or rejects with anything else. */
export const relayFailure = (pending: Promise<unknown>): Promise<AppError> => rejectionOf(pending, 'relay');
