/**
 * The delivery side of `POST /api/mail` through `app.request()`: idempotency keys, the per-operator rate
 * limit, an SMTP outage and the log lines (delivery-tls.test.ts: STARTTLS and AUTH).
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/free-port';
import { startSmtpCatcher } from '../../demo/smtp-catcher/index';
import { droppingServer } from '../../test/support/dropping-smtp';
import { post, relayToken, tapRequest, USERS, useMailSuite } from '../../test/support/mail-world';
import type { ErrorJson } from '../../test/support/relay-app';

const suite = useMailSuite();

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('idempotency', () => {
  it('sends exactly one message for a repeated key and replays the first answer', async () => {
    const first = await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'tap-42' });
    const again = await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'tap-42' });
    expect([first.status, again.status]).toEqual([200, 200]);
    const firstBody = await first.json();
    expect(await again.json()).toEqual(firstBody);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    await settle();
    expect(suite.world.catcher.messages()).toHaveLength(1);
  });

  it('treats the same key from another operator as another request', async () => {
    const priya = await relayToken(suite.world, USERS.priya);
    expect((await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'shared' })).status).toBe(200);
    expect((await post(suite.relay.app, priya, tapRequest(), { key: 'shared' })).status).toBe(200);
    await settle();
    expect(suite.world.catcher.messages()).toHaveLength(2);
  });

  it('refuses the same key with another body (409 IDEMPOTENCY_MISMATCH)', async () => {
    expect((await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'k1' })).status).toBe(200);
    const res = await post(suite.relay.app, suite.aisha, tapRequest({ values: { AadTapCode: 'Other123' } }), {
      key: 'k1',
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH', retryable: false });
    expect(suite.relay.logs.filter((l) => l.msg === 'mail').at(-1)).toMatchObject({
      outcome: 'refused',
      errorCode: 'IDEMPOTENCY_MISMATCH',
    });
    await settle();
    expect(suite.world.catcher.messages()).toHaveLength(1);
  });

  it('answers 409 IN_PROGRESS to a duplicate that arrives while the first is running', async () => {
    const [a, b] = await Promise.all([
      post(suite.relay.app, suite.aisha, tapRequest(), { key: 'race' }),
      post(suite.relay.app, suite.aisha, tapRequest(), { key: 'race' }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const conflict = (await (a.status === 409 ? a : b).json()) as ErrorJson;
    expect(conflict.error).toMatchObject({ code: 'IN_PROGRESS', retryable: true });
    await settle();
    expect(suite.world.catcher.messages()).toHaveLength(1);
  });
});

describe('rate limit', () => {
  it('allows MAIL_RATE_PER_MINUTE messages per operator, then 429 with Retry-After', async () => {
    await suite.rebuild({ MAIL_RATE_PER_MINUTE: '2' });
    expect((await post(suite.relay.app, suite.aisha, tapRequest())).status).toBe(200);
    expect((await post(suite.relay.app, suite.aisha, tapRequest())).status).toBe(200);
    await settle();
    const count = suite.world.catcher.messages().length;
    const res = await post(suite.relay.app, suite.aisha, tapRequest());
    expect(res.status).toBe(429);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThanOrEqual(29);
    await settle();
    expect([count, suite.world.catcher.messages().length]).toEqual([2, 2]);
    // Another operator has a bucket of their own.
    expect((await post(suite.relay.app, await relayToken(suite.world, USERS.priya), tapRequest())).status).toBe(200);
  });
});

describe('SMTP outage', () => {
  it('answers 503 SMTP_UNAVAILABLE (retryable) when the server is down, and the same key then sends once', async () => {
    const port = await freePort();
    await suite.rebuild({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    const down = await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'outage-1' });
    expect(down.status).toBe(503);
    expect(((await down.json()) as ErrorJson).error).toMatchObject({ code: 'SMTP_UNAVAILABLE', retryable: true });
    const mailLine = suite.relay.logs.find((l) => l.msg === 'mail');
    expect(mailLine).toMatchObject({ outcome: 'failed', errorCode: 'SMTP_UNAVAILABLE', attempts: 3 });

    const back = await startSmtpCatcher({ port });
    suite.closeLater(back);
    const retried = await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'outage-1' });
    expect(retried.status).toBe(200);
    await back.waitForMessage(() => true, 3000);
    await settle();
    expect(back.messages()).toHaveLength(1);
    expect(suite.world.catcher.messages()).toHaveLength(0);
  });
});

describe('an ambiguous send', () => {
  it('answers 502 SMTP_UNCERTAIN (not retryable) and replays it for the same key instead of sending again', async () => {
    const server = await droppingServer('DATA-CONTENT');
    suite.closeLater(server);
    await suite.rebuild({ SMTP_URL: `smtp://127.0.0.1:${server.port}` });
    const first = await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'ambiguous' });
    expect(first.status).toBe(502);
    const body = (await first.json()) as ErrorJson;
    expect(body.error).toMatchObject({ code: 'SMTP_UNCERTAIN', retryable: false });
    const again = await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'ambiguous' });
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
    const res = await post(suite.relay.app, suite.aisha, body);
    expect(res.status).toBe(200);
    await suite.world.catcher.waitForMessage((m) => m.subject.includes(marker), 3000);
    const requestId = res.headers.get('X-Request-Id');
    expect(suite.relay.logs.find((l) => l.msg === 'mail')).toMatchObject({
      level: 'info',
      requestId,
      template: 'TAP email',
      targetUserId: USERS.ben,
      recipients: 1,
      outcome: 'sent',
      smtpResponseCode: 250,
      attempts: 1,
    });
    expect(suite.relay.logs.find((l) => l.msg === 'request' && l.path === '/api/mail')).toMatchObject({
      requestId,
      path: '/api/mail',
      status: 200,
      callerOid: USERS.aisha,
    });
    await post(
      suite.relay.app,
      suite.aisha,
      tapRequest({ template: { cc: 'ada.admin@contoso.example' }, values: { AadTapCode: marker } }),
    );
    expect(suite.relay.logs.filter((l) => l.msg === 'mail').at(-1)).toMatchObject({
      outcome: 'refused',
      errorCode: 'RECIPIENT_NOT_ALLOWED',
    });
    const all = JSON.stringify(suite.relay.logs);
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
