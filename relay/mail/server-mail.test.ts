/**
 * The mail routes as `startRelay` wires them (relay/server.ts), over real HTTP, with the DEMO defaults
 * for Graph (the emulator on the authority host), the client secret and the allowed domain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RELAY_CLIENT_ID, DEMO_TENANT_ID } from '../../test/emulators/entra/index';
import { loadConfig } from '../config';
import { createLogger, createMemorySink } from '../log';
import { startRelay, type RunningRelay } from '../server';
import { relayToken, startMailWorld, tapRequest, USERS, type MailWorld } from './mail-fixture';

let world: MailWorld;
let relay: RunningRelay;
const memory = createMemorySink();

beforeAll(async () => {
  world = await startMailWorld();
  const config = loadConfig({
    PORT: '0', TENANT_ID: DEMO_TENANT_ID, RELAY_CLIENT_ID: DEMO_RELAY_CLIENT_ID, AUTHORITY_HOST: `localhost:${world.emulator.port}`,
    ALLOWED_ORIGINS: 'http://localhost:5173', SMTP_URL: `smtp://127.0.0.1:${world.catcher.smtpPort}`, DEMO: '1',
  });
  expect(config.graphBaseUrl).toBe(world.emulator.graphBaseUrl);
  relay = await startRelay(config, { fetch: world.fetch, graphFetch: world.fetch, log: createLogger({ sink: memory.sink }) });
});
afterAll(async () => {
  await relay?.close();
  await world?.close();
});

const send = async (path: string, body?: unknown) => {
  const res = await fetch(`${relay.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await relayToken(world, USERS.aisha)}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe('startRelay with mail', () => {
  it('sends the SMTP test message and a TAP email over HTTP with the demo defaults', async () => {
    expect(await send('/api/mail/test')).toMatchObject({ status: 200, json: { accepted: ['aisha.operator@contoso.example'] } });
    expect(await send('/api/mail', tapRequest())).toMatchObject({ status: 200, json: { accepted: ['ben.member@contoso.example'] } });
    await world.catcher.waitForMessage((m) => m.subject === 'Your Temporary Access Pass, Ben', 3000);
    expect(world.catcher.messages().map((m) => m.subject)).toEqual(['Keyward relay test', 'Your Temporary Access Pass, Ben']);
    expect(memory.records.filter((r) => r.msg === 'mail').map((r) => r.outcome)).toEqual(['sent', 'sent']);
    expect(JSON.stringify(memory.records)).not.toContain('keyward-demo-relay-secret');
  });
});
