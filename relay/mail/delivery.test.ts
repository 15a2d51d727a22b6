/**
 * The delivery side of `POST /api/mail` through `app.request()`: idempotency keys, the per-operator rate
 * limit, an SMTP outage, the log lines, and a real STARTTLS + AUTH exchange on loopback with the message
 * parsed back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/free-port';
import { startSmtpCatcher, type SmtpCatcher } from '../../demo/smtp-catcher/index';
import {
  buildMailApp,
  droppingServer,
  post,
  relayToken,
  startMailWorld,
  tapRequest,
  USERS,
  type MailApp,
  type MailWorld,
} from '../../test/support/mail-world';

type ErrorJson = { error: { code: string; message: string; retryable: boolean; requestId: string } };

let world: MailWorld;
let relay: MailApp;
let aisha: string;
const extra: Array<{ close(): unknown }> = [];

beforeAll(async () => {
  world = await startMailWorld();
  aisha = await relayToken(world, USERS.aisha);
});
afterAll(async () => {
  for (const x of extra) await x.close();
  relay?.mailer.close();
  await world?.close();
});
beforeEach(() => {
  relay?.mailer.close();
  relay = buildMailApp(world);
  world.catcher.clear();
});

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('idempotency', () => {
  it('sends exactly one message for a repeated key and replays the first answer', async () => {
    const first = await post(relay.app, aisha, tapRequest(), { key: 'tap-42' });
    const again = await post(relay.app, aisha, tapRequest(), { key: 'tap-42' });
    expect([first.status, again.status]).toEqual([200, 200]);
    const firstBody = await first.json();
    expect(await again.json()).toEqual(firstBody);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    await settle();
    expect(world.catcher.messages()).toHaveLength(1);
  });

  it('treats the same key from another operator as another request', async () => {
    const priya = await relayToken(world, USERS.priya);
    expect((await post(relay.app, aisha, tapRequest(), { key: 'shared' })).status).toBe(200);
    expect((await post(relay.app, priya, tapRequest(), { key: 'shared' })).status).toBe(200);
    await settle();
    expect(world.catcher.messages()).toHaveLength(2);
  });

  it('refuses the same key with another body (409 IDEMPOTENCY_MISMATCH)', async () => {
    expect((await post(relay.app, aisha, tapRequest(), { key: 'k1' })).status).toBe(200);
    const res = await post(relay.app, aisha, tapRequest({ values: { AadTapCode: 'Other123' } }), { key: 'k1' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH', retryable: false });
    expect(relay.logs.filter((l) => l.msg === 'mail').at(-1)).toMatchObject({
      outcome: 'refused',
      errorCode: 'IDEMPOTENCY_MISMATCH',
    });
    await settle();
    expect(world.catcher.messages()).toHaveLength(1);
  });

  it('answers 409 IN_PROGRESS to a duplicate that arrives while the first is running', async () => {
    const [a, b] = await Promise.all([
      post(relay.app, aisha, tapRequest(), { key: 'race' }),
      post(relay.app, aisha, tapRequest(), { key: 'race' }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const conflict = (await (a.status === 409 ? a : b).json()) as ErrorJson;
    expect(conflict.error).toMatchObject({ code: 'IN_PROGRESS', retryable: true });
    await settle();
    expect(world.catcher.messages()).toHaveLength(1);
  });
});

describe('rate limit', () => {
  it('allows MAIL_RATE_PER_MINUTE messages per operator, then 429 with Retry-After', async () => {
    relay = buildMailApp(world, { MAIL_RATE_PER_MINUTE: '2' });
    expect((await post(relay.app, aisha, tapRequest())).status).toBe(200);
    expect((await post(relay.app, aisha, tapRequest())).status).toBe(200);
    await settle();
    const count = world.catcher.messages().length;
    const res = await post(relay.app, aisha, tapRequest());
    expect(res.status).toBe(429);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThanOrEqual(29);
    await settle();
    expect([count, world.catcher.messages().length]).toEqual([2, 2]);
    // Another operator has a bucket of their own.
    expect((await post(relay.app, await relayToken(world, USERS.priya), tapRequest())).status).toBe(200);
  });
});

describe('SMTP outage', () => {
  it('answers 503 SMTP_UNAVAILABLE (retryable) when the server is down, and the same key then sends once', async () => {
    const port = await freePort();
    relay = buildMailApp(world, { SMTP_URL: `smtp://127.0.0.1:${port}` });
    const down = await post(relay.app, aisha, tapRequest(), { key: 'outage-1' });
    expect(down.status).toBe(503);
    expect(((await down.json()) as ErrorJson).error).toMatchObject({ code: 'SMTP_UNAVAILABLE', retryable: true });
    const mailLine = relay.logs.find((l) => l.msg === 'mail');
    expect(mailLine).toMatchObject({ outcome: 'failed', errorCode: 'SMTP_UNAVAILABLE', attempts: 3 });

    const back: SmtpCatcher = await startSmtpCatcher({ port });
    extra.push(back);
    const retried = await post(relay.app, aisha, tapRequest(), { key: 'outage-1' });
    expect(retried.status).toBe(200);
    await back.waitForMessage(() => true, 3000);
    await settle();
    expect(back.messages()).toHaveLength(1);
    expect(world.catcher.messages()).toHaveLength(0);
  });
});

describe('an ambiguous send', () => {
  it('answers 502 SMTP_UNCERTAIN (not retryable) and replays it for the same key instead of sending again', async () => {
    const server = await droppingServer('DATA-CONTENT');
    extra.push(server);
    relay = buildMailApp(world, { SMTP_URL: `smtp://127.0.0.1:${server.port}` });
    const first = await post(relay.app, aisha, tapRequest(), { key: 'ambiguous' });
    expect(first.status).toBe(502);
    const body = (await first.json()) as ErrorJson;
    expect(body.error).toMatchObject({ code: 'SMTP_UNCERTAIN', retryable: false });
    const again = await post(relay.app, aisha, tapRequest(), { key: 'ambiguous' });
    expect([again.status, again.headers.get('Idempotent-Replayed')]).toEqual([502, 'true']);
    expect(await again.json()).toEqual(body);
    expect(server.seen.dataCommands).toBe(1);
  });
});

describe('logs', () => {
  it('writes a request line and a mail line, and never the values, subject, body or addresses', async () => {
    const marker = 'MARKER-7f3a9c';
    const body = tapRequest({
      template: { subject: `Pass ${marker} \${GivenName}` },
      values: { AadTapCode: `${marker}-code`, CardSerial: marker },
    });
    const res = await post(relay.app, aisha, body);
    expect(res.status).toBe(200);
    await world.catcher.waitForMessage((m) => m.subject.includes(marker), 3000);
    const requestId = res.headers.get('X-Request-Id');
    expect(relay.logs.find((l) => l.msg === 'mail')).toMatchObject({
      level: 'info',
      requestId,
      template: 'TAP email',
      targetUserId: USERS.ben,
      recipients: 1,
      outcome: 'sent',
      smtpResponseCode: 250,
      attempts: 1,
    });
    expect(relay.logs.find((l) => l.msg === 'request')).toMatchObject({
      requestId,
      path: '/api/mail',
      status: 200,
      callerOid: USERS.aisha,
    });
    await post(
      relay.app,
      aisha,
      tapRequest({ template: { cc: 'ada.admin@contoso.example' }, values: { AadTapCode: marker } }),
    );
    expect(relay.logs.filter((l) => l.msg === 'mail').at(-1)).toMatchObject({
      outcome: 'refused',
      errorCode: 'RECIPIENT_NOT_ALLOWED',
    });
    const all = JSON.stringify(relay.logs);
    for (const secret of [
      marker,
      'Xq7#mP2k',
      'ben.member@contoso.example',
      'ada.admin@contoso.example',
      'Your Temporary Access Pass',
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe('SMTP with STARTTLS and AUTH', () => {
  it('upgrades, authenticates and delivers; the message parses back intact', async () => {
    const secure = await startSmtpCatcher({
      port: 0,
      tls: { cert: world.tls.certPem, key: world.tls.keyPem },
      auth: { user: 'relay', pass: 'p@ss word' },
    });
    extra.push(secure);
    // Not DEMO: requireTLS, so the relay refuses to talk in clear text.
    relay = buildMailApp(world, {
      DEMO: undefined,
      GRAPH_CLIENT_SECRET: 'keyward-demo-relay-secret',
      GRAPH_BASE_URL: world.emulator.graphBaseUrl,
      SMTP_URL: `smtp://relay:p%40ss%20word@localhost:${secure.smtpPort}`,
    });
    expect(relay.config.demo).toBe(false);
    const res = await post(
      relay.app,
      aisha,
      tapRequest({ template: { cc: 'Ben Member <ben.member@contoso.example>' } }),
    );
    expect(res.status).toBe(200);
    const m = await secure.waitForMessage(() => true, 3000);
    expect(m.subject).toBe('Your Temporary Access Pass, Ben');
    expect(m.text).toContain('is Xq7#mP2k.');
    expect(m.html).toContain('for card 1234&lt;5678&gt;&amp;&quot;9&quot;.');
    expect(m.to.map((a) => a.address)).toEqual(['ben.member@contoso.example']);
    expect(m.cc).toEqual([{ name: 'Ben Member', address: 'ben.member@contoso.example' }]);
    // The catcher takes AUTH only after STARTTLS and only with these credentials: delivery proves both.
  });

  it('answers 502 SMTP_AUTH_FAILED, without retrying, for wrong credentials', async () => {
    const secure = await startSmtpCatcher({
      port: 0,
      tls: { cert: world.tls.certPem, key: world.tls.keyPem },
      auth: { user: 'relay', pass: 'right' },
    });
    extra.push(secure);
    relay = buildMailApp(world, {
      DEMO: undefined,
      GRAPH_CLIENT_SECRET: 'keyward-demo-relay-secret',
      GRAPH_BASE_URL: world.emulator.graphBaseUrl,
      SMTP_URL: `smtp://relay:wrong@localhost:${secure.smtpPort}`,
    });
    const res = await post(relay.app, aisha, tapRequest());
    expect(res.status).toBe(502);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'SMTP_AUTH_FAILED', retryable: false });
    expect(relay.logs.find((l) => l.msg === 'mail')).toMatchObject({ attempts: 1, smtpResponseCode: 535 });
    expect(JSON.stringify(relay.logs)).not.toContain('wrong');
    await settle();
    expect(secure.messages()).toHaveLength(0);
  });

  it('refuses to send in clear text to a server without STARTTLS outside demo mode', async () => {
    relay = buildMailApp(world, {
      DEMO: undefined,
      GRAPH_CLIENT_SECRET: 'keyward-demo-relay-secret',
      GRAPH_BASE_URL: world.emulator.graphBaseUrl,
    });
    const res = await post(relay.app, aisha, tapRequest());
    expect(res.status).toBe(502);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'SMTP_TLS_FAILED', retryable: false });
    await settle();
    expect(world.catcher.messages()).toHaveLength(0);
  });
});
