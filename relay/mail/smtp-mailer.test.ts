/**
 * The nodemailer adapter against real SMTP servers on loopback: smtp-server for replies (4xx, 5xx), and
 * a scripted raw TCP server for connections that break before or after DATA.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { relayFailure } from '../../test/support/relay-app';
import { classifySmtpFailure } from './smtp-failure';
import { droppingServer } from '../../test/support/dropping-smtp';
import { createSmtpMailer, type Mailer } from './smtp-mailer';

const MAIL = {
  to: [{ name: 'Ben Member', address: 'ben.member@contoso.example' }],
  cc: [],
  subject: 'Your pass',
  text: 'Pass: Xq7#mP2k',
  html: '<p>Pass</p>',
};

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function mailer(port: number): Mailer {
  const m = createSmtpMailer({
    smtpUrl: `smtp://127.0.0.1:${port}`,
    mailFrom: 'Keyward <keyward@contoso.example>',
    demo: true,
    maxConnections: 2,
    retry: { attempts: 3, baseDelayMs: 10 },
  });
  cleanup.push(() => m.close());
  return m;
}

async function listen(
  server: { listen(port: number, host: string, cb: () => void): unknown },
  address: () => AddressInfo,
): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return address().port;
}

/** smtp-server with hooks; counts DATA transactions. */
async function replyServer(hooks: {
  rcpt?: (n: number) => number | undefined;
  data?: (n: number) => number | undefined;
}) {
  const seen = { rcpt: 0, data: 0, delivered: 0 };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onRcptTo(_address, _session, cb) {
      const code = hooks.rcpt?.(++seen.rcpt);
      cb(code ? Object.assign(new Error(`refused ${code}`), { responseCode: code }) : undefined);
    },
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => {
        const code = hooks.data?.(++seen.data);
        if (!code) seen.delivered++;
        cb(code ? Object.assign(new Error(`refused ${code}`), { responseCode: code }) : undefined);
      });
    },
  });
  const port = await listen(server, () => server.server.address() as AddressInfo);
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port, seen };
}

describe('SMTP mailer', () => {
  it('retries a 4xx reply and then delivers once', async () => {
    const { port, seen } = await replyServer({ rcpt: (n) => (n === 1 ? 451 : undefined) });
    const sent = await mailer(port).send(MAIL);
    expect(sent).toMatchObject({
      accepted: ['ben.member@contoso.example'],
      rejected: [],
      responseCode: 250,
      attempts: 2,
    });
    expect(seen.delivered).toBe(1);
  });

  it('does not retry a 5xx reply to the message', async () => {
    const { port, seen } = await replyServer({ data: () => 554 });
    const e = await relayFailure(mailer(port).send(MAIL));
    expect([e.code, e.fields.retryable, e.fields.attempts, e.fields.smtpResponseCode]).toEqual([
      'SMTP_REJECTED',
      false,
      1,
      554,
    ]);
    expect(seen.data).toBe(1);
  });

  it('gives up after three tries when 4xx persists, saying a retry is safe', async () => {
    const { port, seen } = await replyServer({ rcpt: () => 452 });
    const e = await relayFailure(mailer(port).send(MAIL));
    expect([e.code, e.fields.retryable, e.fields.attempts]).toEqual(['SMTP_UNAVAILABLE', true, 3]);
    expect([seen.rcpt, seen.delivered]).toEqual([3, 0]);
  });

  it.each([
    ['retries a connection dropped before DATA, then reports SMTP_UNAVAILABLE', 'MAIL', 'SMTP_UNAVAILABLE', true, 3],
    [
      'reports SMTP_UNCERTAIN, without retrying, when the connection drops while the message is going out',
      'DATA-CONTENT',
      'SMTP_UNCERTAIN',
      false,
      1,
    ],
  ] as const)('%s', async (_what, dropAt, code, retryable, attempts) => {
    const { port, seen, close } = await droppingServer(dropAt);
    cleanup.push(close);
    const e = await relayFailure(mailer(port).send(MAIL));
    expect([e.code, e.fields.retryable, e.fields.attempts]).toEqual([code, retryable, attempts]);
    // Every try connects; only a drop during the message got as far as DATA, and only once.
    expect([seen.connections, seen.dataCommands]).toEqual(dropAt === 'MAIL' ? [3, 0] : [1, 1]);
  });

  it('reports a refused connection as SMTP_UNAVAILABLE after three tries', async () => {
    const probe = createServer();
    const port = await listen(probe, () => probe.address() as AddressInfo);
    await new Promise<void>((r) => probe.close(() => r()));
    const e = await relayFailure(mailer(port).send(MAIL));
    expect([e.code, e.fields.retryable, e.fields.attempts]).toEqual(['SMTP_UNAVAILABLE', true, 3]);
  });
});

describe('classifySmtpFailure', () => {
  it.each([
    [
      'connection refused before anything',
      { code: 'ECONNECTION', originalCode: 'ECONNREFUSED' },
      false,
      true,
      'SMTP_UNAVAILABLE',
    ],
    ['a timeout before DATA', { code: 'ETIMEDOUT' }, false, true, 'SMTP_UNAVAILABLE'],
    ['a timeout after the content started', { code: 'ETIMEDOUT' }, true, false, 'SMTP_UNCERTAIN'],
    [
      'a reset after the content started',
      { code: 'ESOCKET', originalCode: 'ECONNRESET' },
      true,
      false,
      'SMTP_UNCERTAIN',
    ],
    ['a 421 at the end of DATA', { code: 'EMESSAGE', responseCode: 421 }, true, true, 'SMTP_UNAVAILABLE'],
    ['a 550 for every recipient', { code: 'EENVELOPE', responseCode: 550 }, false, false, 'SMTP_REJECTED'],
    ['a 554 at the end of DATA', { code: 'EMESSAGE', responseCode: 554 }, true, false, 'SMTP_REJECTED'],
    ['bad credentials', { code: 'EAUTH', responseCode: 535 }, false, false, 'SMTP_AUTH_FAILED'],
    ['a temporary AUTH failure', { code: 'EAUTH', responseCode: 454 }, false, true, 'SMTP_UNAVAILABLE'],
    ['no STARTTLS', { code: 'ETLS', responseCode: 502 }, false, false, 'SMTP_TLS_FAILED'],
    [
      'an untrusted certificate',
      { code: 'ESOCKET', originalCode: 'SELF_SIGNED_CERT_IN_CHAIN' },
      false,
      false,
      'SMTP_TLS_FAILED',
    ],
  ])('%s', (_what, err, dataStarted, retry, code) => {
    const verdict = classifySmtpFailure(err, dataStarted);
    expect([verdict.retry, verdict.error.code]).toEqual([retry, code]);
    expect(verdict.error.fields.status).toBe(code === 'SMTP_UNAVAILABLE' ? 503 : 502);
  });
});
