/**
 * The relay against the Entra emulator over real HTTPS: discovery, the JWKS and tokens minted the way
 * the emulator issues them to MSAL. This keeps the fake tenant of the unit tests honest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RELAY_CLIENT_ID, DEMO_TENANT_ID, type EntraEmulator } from '../demo/entra-emulator/index';
import { createLocalTls } from '../demo/local-tls';
import { startTestEntra } from '../test/support/test-entra';
import { loadConfig } from './config';
import { createCaTrustingFetch } from './graph/http-fetch';
import { createLogger } from './log';
import { startRelay, type RunningRelay } from './server';

const OPERATOR = 'f0d76d4f-d051-4401-89ab-2949d26eb033'; // Aisha Operator: Keyward.Operator + Keyward.Administrator
const ADMIN = '89f4f732-5489-4ac2-856f-3a18f65adac4'; // Ada Admin: Keyward.Administrator
const AUDITOR = '8a1ab7d6-0186-4fa8-8904-394ddfeed56e'; // Grace Reader: Keyward.Auditor
const NO_ROLE = 'e3c944a2-e813-4280-a334-4cec82dfd7a7'; // Nina NoRole

let emulator: EntraEmulator & { port: number };
let relay: RunningRelay;
let relayFetch: ReturnType<typeof createCaTrustingFetch>;

beforeAll(async () => {
  const tls = await createLocalTls(1);
  emulator = await startTestEntra(tls);
  const config = loadConfig({
    PORT: '0',
    TENANT_ID: DEMO_TENANT_ID,
    RELAY_CLIENT_ID: DEMO_RELAY_CLIENT_ID,
    AUTHORITY_HOST: `localhost:${emulator.port}`,
    ALLOWED_ORIGINS: 'http://localhost:5173',
    DEMO: '1',
    KEYWARD_DATA_DIR: ':memory:',
  });
  relayFetch = createCaTrustingFetch(tls.caPem);
  relay = await startRelay(config, { fetch: relayFetch, log: createLogger({ sink: () => {} }) });
  // PGlite compiles PostgreSQL's WebAssembly at start-up: seconds on a busy machine.
}, 120_000);

afterAll(async () => {
  await relay?.close();
  await emulator?.close();
  relayFetch?.close();
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
      roles: ['Keyward.Operator', 'Keyward.Administrator'],
      isOperator: true,
      isAdministrator: true,
      isAuditor: false,
    });
  });

  it("answers each seeded account's Keyward roles", async () => {
    const roles = async (userId: string) => {
      const { isOperator, isAdministrator, isAuditor } = (await whoami(userId, 'relay', ['Mail.Send'])).body;
      return { isOperator, isAdministrator, isAuditor };
    };
    expect(await roles(ADMIN)).toEqual({ isOperator: false, isAdministrator: true, isAuditor: false });
    expect(await roles(AUDITOR)).toEqual({ isOperator: false, isAdministrator: false, isAuditor: true });
    expect(await roles(NO_ROLE)).toEqual({ isOperator: false, isAdministrator: false, isAuditor: false });
  });

  it("refuses the emulator's Graph token", async () => {
    const { status, body } = await whoami(OPERATOR, 'graph', ['User.Read']);
    expect([status, body.error?.code]).toEqual([401, 'TOKEN_GRAPH_AUDIENCE']);
  });
});
