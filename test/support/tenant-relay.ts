/**
 * The relay for the state tests' test tenant (test/state/signed-in-operator.ts): relay/server.ts's
 * `startRelay` on loopback at the deployment's relay URL, verifying the Entra emulator's tokens (their
 * `roles` claim carries the seeded people's Keyward app roles) and storing in PGlite in memory. The
 * tenant is the only fake; the session's whoami, and any store route, go to the real relay.
 */
import { createLogger, createMemorySink } from '../../relay/log';
import { openDatabase, type RelayDatabase } from '../../relay/db/connect';
import { createCaTrustingFetch } from '../../relay/graph/http-fetch';
import { startRelay } from '../../relay/server';
import { DEMO_RELAY_CLIENT_ID, DEMO_TENANT_ID } from '../../demo/entra-emulator/index';
import type { TestTenant } from '../state/signed-in-operator';
import { testRelayConfig } from './relay-app';
import { testTls } from './test-tls';

/** A running relay for a test tenant. */
export interface TenantRelay {
  readonly database: RelayDatabase;
  close(): Promise<void>;
}

/**
 * Starts the relay where `tenant.deployment.relayUrl` points; `env` adds to its configuration (an
 * `SMTP_URL` where a test's SMTP catcher listens, say).
 */
export async function serveTenantRelay(tenant: TestTenant, env: Record<string, string> = {}): Promise<TenantRelay> {
  const url = new URL(tenant.deployment.relayUrl);
  const config = testRelayConfig({
    ...env,
    TENANT_ID: DEMO_TENANT_ID,
    RELAY_CLIENT_ID: DEMO_RELAY_CLIENT_ID,
    AUTHORITY_HOST: `localhost:${tenant.emulator.port}`,
    HOST: url.hostname,
    PORT: url.port,
  });
  const fetch = createCaTrustingFetch(testTls().caPem);
  const database = openDatabase({ dataDir: ':memory:' });
  const relay = await startRelay(config, {
    fetch,
    graphFetch: fetch,
    database,
    log: createLogger({ sink: createMemorySink().sink }),
    shutdownGraceMs: 100,
  });
  return {
    database,
    close: async () => {
      await relay.close();
      fetch.close();
      await database.close();
    },
  };
}
