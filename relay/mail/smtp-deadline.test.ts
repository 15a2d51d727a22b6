/**
 * One overall deadline per send, and a stall told apart from a refusal: the mailer against smtp-server
 * on loopback that rejects AUTH, never answers AUTH, or never answers the end of DATA.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { relayFailure } from '../../test/support/relay-app';
import { MAIL_ANSWER_DEADLINE_MS } from '../../src/relay-api/mail';
import { createSmtpMailer, SMTP_SEND_DEADLINE_MS, type SmtpMailerOptions } from './smtp-mailer';

const MAIL = {
  to: [{ name: 'Ben Member', address: 'ben.member@contoso.example' }],
  cc: [],
  subject: 'Your pass',
  text: 'Pass: Xq7#mP2k',
};

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** smtp-server taking AUTH PLAIN/LOGIN in clear (the demo's case) that answers AUTH and DATA as told. */
async function server(auth: 'reject' | 'never' | 'accept', data: 'accept' | 'never' = 'accept') {
  const seen = { auths: 0, closed: 0 };
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    disableReverseLookup: true,
    onAuth(_auth, _session, cb) {
      seen.auths++;
      if (auth === 'reject') cb(new Error('Invalid username or password'));
      if (auth === 'accept') cb(null, { user: 'relay' });
    },
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => data === 'accept' && cb());
    },
    onClose: () => void seen.closed++,
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((r) => smtp.close(() => r())));
  return { port: (smtp.server.address() as AddressInfo).port, seen };
}

function mailer(port: number, o: Pick<SmtpMailerOptions, 'deadlineMs' | 'timeouts'>) {
  const m = createSmtpMailer({
    smtpUrl: `smtp://relay:pw@127.0.0.1:${port}`,
    mailFrom: 'Keyward <keyward@contoso.example>',
    demo: true,
    maxConnections: 1,
    retry: { attempts: 3, baseDelayMs: 10 },
    ...o,
  });
  cleanup.push(() => m.close());
  return m;
}

/** How long the send started by `run` takes to settle, in ms (from before it starts), with its rejection. */
async function timed(run: () => Promise<unknown>) {
  const start = performance.now();
  const error = await relayFailure(run());
  return { error, ms: performance.now() - start };
}

describe('SMTP send deadline', () => {
  it('answers before the page stops waiting', () => {
    expect(SMTP_SEND_DEADLINE_MS).toBeLessThan(MAIL_ANSWER_DEADLINE_MS);
  });

  it('reports an AUTH rejection as SMTP_AUTH_FAILED at once, without retrying', async () => {
    const { port, seen } = await server('reject');
    const { error, ms } = await timed(() => mailer(port, {}).send(MAIL));
    expect([error.code, error.fields.smtpResponseCode, error.fields.attempts]).toEqual(['SMTP_AUTH_FAILED', 535, 1]);
    expect(ms).toBeLessThan(2000);
    expect(seen.auths).toBe(1);
  });

  it('reports a server that never answers AUTH as SMTP_TIMEOUT after one socket timeout, not three tries', async () => {
    const { port, seen } = await server('never');
    const { error, ms } = await timed(() => mailer(port, { timeouts: { socketMs: 300 } }).send(MAIL));
    expect([error.code, error.fields.retryable, error.fields.attempts]).toEqual(['SMTP_TIMEOUT', false, 1]);
    expect(error.message).toContain('nothing was sent');
    expect(ms).toBeLessThan(2000);
    expect(seen.auths).toBe(1);
  });

  it('ends a send at its deadline, closing the connection, when the socket timeout is longer', async () => {
    const { port, seen } = await server('never');
    const { error, ms } = await timed(() =>
      mailer(port, { deadlineMs: 800, timeouts: { socketMs: 20_000 } }).send(MAIL),
    );
    expect([error.code, error.fields.retryable]).toEqual(['SMTP_TIMEOUT', false]);
    expect(error.message).toContain('no reply within 1 s');
    expect(ms).toBeGreaterThanOrEqual(790);
    expect(ms).toBeLessThan(3000);
    await expect.poll(() => seen.closed).toBe(1);
  });

  it('calls a send whose message went out before the deadline SMTP_UNCERTAIN, not a timeout', async () => {
    const { port } = await server('accept', 'never');
    const { error } = await timed(() => mailer(port, { deadlineMs: 800, timeouts: { socketMs: 20_000 } }).send(MAIL));
    expect([error.code, error.fields.retryable]).toEqual(['SMTP_UNCERTAIN', false]);
  });
});
