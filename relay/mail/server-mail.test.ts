/**
 * The mail routes as `startRelay` wires them (relay/server.ts), over real HTTP, with the DEMO defaults
 * for Graph (the emulator on the authority host), the client secret and the allowed domain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RELAY_CLIENT_ID, DEMO_TENANT_ID } from '../../demo/entra-emulator/index';
import { loadConfig } from '../config';
import { createLogger, createMemorySink } from '../log';
import { startRelay, type RunningRelay } from '../server';
import {
  publishVia,
  relayToken,
  startMailWorld,
  tapRequest,
  USERS,
  type MailWorld,
  type TemplateRef,
} from '../../test/support/mail-world';

let world: MailWorld;
let relay: RunningRelay;
/** The TAP email of `tapRequest`, published on the running relay. */
let published: TemplateRef;
const memory = createMemorySink();

beforeAll(async () => {
  world = await startMailWorld();
  const config = loadConfig({
    PORT: '0',
    TENANT_ID: DEMO_TENANT_ID,
    RELAY_CLIENT_ID: DEMO_RELAY_CLIENT_ID,
    AUTHORITY_HOST: `localhost:${world.emulator.port}`,
    ALLOWED_ORIGINS: PAGE,
    SMTP_URL: `smtp://127.0.0.1:${world.catcher.smtpPort}`,
    DEMO: '1',
    KEYWARD_DATA_DIR: ':memory:',
  });
  expect(config.graphBaseUrl).toBe(world.emulator.graphBaseUrl);
  relay = await startRelay(config, {
    fetch: world.fetch,
    graphFetch: world.fetch,
    log: createLogger({ sink: memory.sink }),
  });
  published = await publishVia((path, init) => fetch(`${relay.url}${path}`, init), world, tapRequest().template);
  // PGlite compiles PostgreSQL's WebAssembly at start-up: seconds on a busy machine.
}, 120_000);

/** The TAP email request for Ben, naming the published template. */
const tapEmail = () => ({ ...tapRequest(), template: published });
afterAll(async () => {
  await relay?.close();
  await world?.close();
});

const PAGE = 'http://localhost:5173';

const send = async (path: string, body?: unknown) => {
  const res = await fetch(`${relay.url}${path}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${await relayToken(world, USERS.aisha)}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': crypto.randomUUID(),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe('startRelay with mail', () => {
  it('sends the SMTP test message and a TAP email over HTTP with the demo defaults', async () => {
    expect(await send('/api/mail/test')).toMatchObject({
      status: 200,
      json: { accepted: ['aisha.operator@contoso.example'] },
    });
    expect(await send('/api/mail', tapEmail())).toMatchObject({
      status: 200,
      json: { accepted: ['ben.member@contoso.example'] },
    });
    await world.catcher.waitForMessage((m) => m.subject === 'Your Temporary Access Pass, Ben', 3000);
    expect(world.catcher.messages().map((m) => m.subject)).toEqual([
      'Keyward relay test',
      'Your Temporary Access Pass, Ben',
    ]);
    expect(memory.records.filter((r) => r.msg === 'mail').map((r) => r.outcome)).toEqual(['sent', 'sent']);
    expect(JSON.stringify(memory.records)).not.toContain('keyward-demo-relay-secret');
  });

  // @hono/node-server reads the body straight from the socket unless something touches c.req.raw.body;
  // the relay's body limit and CORS are written not to, so they are checked here over real HTTP.
  it('refuses an oversized body with 413, whether it declares its length or is chunked, and sends nothing', async () => {
    const headers = {
      Authorization: `Bearer ${await relayToken(world, USERS.aisha)}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': crypto.randomUUID(),
    };
    const big = JSON.stringify(tapRequest({ template: { text: 'x'.repeat(70_000) } }));
    const before = world.catcher.messages().length;
    const declared = await fetch(`${relay.url}/api/mail`, { method: 'POST', headers, body: big });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 16_384) controller.enqueue(bytes.subarray(at, at + 16_384));
        controller.close();
      },
    });
    const chunked = await fetch(`${relay.url}/api/mail`, {
      method: 'POST',
      headers,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
    expect(world.catcher.messages().length).toBe(before);
  });

  it('grants CORS to the page and keeps the security headers, on a sent message and on a refusal', async () => {
    const token = await relayToken(world, USERS.aisha);
    const call = (key: string) =>
      fetch(`${relay.url}/api/mail`, {
        method: 'POST',
        headers: {
          Origin: PAGE,
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': key,
        },
        body: JSON.stringify(tapEmail()),
      });
    const sent = await call(crypto.randomUUID());
    const refused = await call('not a valid key!');
    expect([sent.status, refused.status]).toEqual([200, 400]);
    for (const res of [sent, refused]) {
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PAGE);
      expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Idempotent-Replayed');
      expect(res.headers.get('Vary')).toBe('Origin');
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(await sent.json()).toMatchObject({ accepted: ['ben.member@contoso.example'] });
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });
});
