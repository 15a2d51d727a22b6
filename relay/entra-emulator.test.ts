/**
 * The relay against the Entra emulator over real HTTPS: discovery, the JWKS and tokens minted the way
 * the emulator issues them to MSAL. This keeps the fake tenant of the unit tests honest.
 */
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_RELAY_CLIENT_ID,
  DEMO_SPA_CLIENT_ID,
  DEMO_TENANT_ID,
  startEntraEmulator,
  type EntraEmulator,
} from '../test/emulators/entra/index';
import { createLocalTls } from '../test/support/local-tls';
import { loadConfig } from './config';
import type { JwksFetch } from './jwks';
import { createLogger } from './log';
import { startRelay, type RunningRelay } from './server';

const OPERATOR = 'f0d76d4f-d051-4401-89ab-2949d26eb033'; // Aisha Operator: has the Keyward.Operator app role
const NO_ROLE = 'e3c944a2-e813-4280-a334-4cec82dfd7a7'; // Nina NoRole

/** A fetch that trusts exactly the emulator's CA (the demo uses NODE_EXTRA_CA_CERTS instead). */
function fetchTrusting(ca: string): JwksFetch {
  return (url) =>
    new Promise((resolve, reject) => {
      request(url, { ca }, (res) => {
        const chunks: Uint8Array[] = [];
        res.on('data', (c: Uint8Array) => chunks.push(c));
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500 })));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
}

/** A port free right now: the emulator's issuer names its port, so it cannot simply listen on 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

let emulator: EntraEmulator & { port: number };
let relay: RunningRelay;

beforeAll(async () => {
  const tls = await createLocalTls(1);
  const port = await freePort();
  emulator = await startEntraEmulator({
    origin: `https://localhost:${port}`,
    port,
    tenantId: DEMO_TENANT_ID,
    spaClientId: DEMO_SPA_CLIENT_ID,
    spaRedirectUris: ['http://localhost:5173/auth-redirect.html'],
    relayClientId: DEMO_RELAY_CLIENT_ID,
    tls: { cert: tls.certPem, key: tls.keyPem },
  });
  const config = loadConfig({
    PORT: '0',
    TENANT_ID: DEMO_TENANT_ID,
    RELAY_CLIENT_ID: DEMO_RELAY_CLIENT_ID,
    AUTHORITY_HOST: `localhost:${port}`,
    ALLOWED_ORIGINS: 'http://localhost:5173',
    DEMO: '1',
    KEYWARD_DATA_DIR: ':memory:',
  });
  relay = await startRelay(config, { fetch: fetchTrusting(tls.caPem), log: createLogger({ sink: () => {} }) });
  // PGlite compiles PostgreSQL's WebAssembly at start-up: seconds on a busy machine.
}, 120_000);

afterAll(async () => {
  await relay?.close();
  await emulator?.close();
});

async function whoami(userId: string, audience: 'relay' | 'graph', scopes: string[]) {
  const token = await emulator.control.mintAccessToken({ userId, audience, scopes });
  const res = await fetch(`${relay.url}/api/whoami`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
}

describe('relay with the Entra emulator', () => {
  it('accepts an operator token for the relay scope', async () => {
    const { status, body } = await whoami(OPERATOR, 'relay', ['Mail.Send']);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      oid: OPERATOR,
      tid: DEMO_TENANT_ID,
      scopes: ['Mail.Send'],
      roles: ['Keyward.Operator'],
      isOperator: true,
    });
  });

  it('reports a user without the app role as not an operator', async () => {
    expect((await whoami(NO_ROLE, 'relay', ['Mail.Send'])).body).toMatchObject({ oid: NO_ROLE, isOperator: false });
  });

  it("refuses the emulator's Graph token", async () => {
    const { status, body } = await whoami(OPERATOR, 'graph', ['User.Read']);
    expect([status, body.error?.code]).toEqual([401, 'TOKEN_GRAPH_AUDIENCE']);
  });
});
