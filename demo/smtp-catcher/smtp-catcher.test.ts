import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { isAppError } from '../../src/app-error';
import type { CaughtMessage } from './caught-message';
import { createLocalTls } from '../local-tls';
import { startSmtpCatcher, type SmtpCatcher, type SmtpCatcherOptions } from './smtp-catcher';

let catcher: SmtpCatcher | undefined;
// The catcher presents a localhost certificate from a throwaway CA; the client trusts exactly that CA.
let pems: { cert: string; key: string };
let ca: string;

beforeAll(async () => {
  const tls = await createLocalTls(1);
  pems = { cert: tls.certPem, key: tls.keyPem };
  ca = tls.caPem;
});
afterEach(async () => {
  await catcher?.close();
  catcher = undefined;
});

async function start(options: Partial<SmtpCatcherOptions> = {}): Promise<SmtpCatcher> {
  catcher = await startSmtpCatcher({ port: 0, ...options });
  return catcher;
}

/** A nodemailer transport to the catcher; plain SMTP unless `secure` options are given. */
function transport(c: SmtpCatcher, extra: Record<string, unknown> = {}) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: c.smtpPort, secure: false, ignoreTLS: true, ...extra });
}

/** The relay's SMTP credentials the catcher is configured with. */
const RELAY_AUTH = { user: 'relay', pass: 'correct horse' };

/** A transport that upgrades with STARTTLS (trusting the test CA) and then authenticates with `auth`. */
function tlsTransport(c: SmtpCatcher, auth: { user: string; pass: string }, extra: Record<string, unknown> = {}) {
  return transport(c, { ignoreTLS: false, requireTLS: true, auth, tls: { ca }, ...extra });
}

const tap = (overrides: Record<string, unknown> = {}) => ({
  from: '"Keyward" <keyward@contoso.example>',
  to: '"Una User" <una@contoso.example>',
  cc: 'helpdesk@contoso.example',
  subject: 'Your Temporary Access Pass',
  text: 'Your pass is ready.',
  html: '<p style="color:teal">Your pass is <b>ready</b>.</p>',
  headers: { 'X-Keyward-Template': 'tap-delivery' },
  ...overrides,
});

describe('SMTP catcher', () => {
  it('catches and parses a plain SMTP message', async () => {
    const c = await start();
    const info = await transport(c).sendMail({
      ...tap(),
      envelope: { from: 'bounce@contoso.example', to: ['una@contoso.example'] },
    });
    expect(info.accepted).toEqual(['una@contoso.example']);
    const m = await c.waitForMessage((x) => x.subject === 'Your Temporary Access Pass', 2000);
    expect(m).toMatchObject({
      envelope: { from: 'bounce@contoso.example', to: ['una@contoso.example'] },
      from: { name: 'Keyward', address: 'keyward@contoso.example' },
      to: [{ name: 'Una User', address: 'una@contoso.example' }],
      cc: [{ name: '', address: 'helpdesk@contoso.example' }],
      text: 'Your pass is ready.',
      html: '<p style="color:teal">Your pass is <b>ready</b>.</p>',
    });
    expect(m.headers['x-keyward-template']).toBe('tap-delivery');
    expect(m.headers['message-id']).toBe(info.messageId);
    expect(Date.parse(m.receivedAt)).toBeGreaterThan(Date.now() - 10_000);
    expect(c.messages().map((x) => x.id)).toEqual([m.id]);
  });

  it('accepts STARTTLS + AUTH with the right credentials', async () => {
    const c = await start({ tls: pems, auth: RELAY_AUTH });
    const t = tlsTransport(c, RELAY_AUTH);
    await t.sendMail(tap({ subject: 'over TLS' }));
    expect((await c.waitForMessage((m) => m.subject === 'over TLS', 2000)).to[0]?.address).toBe('una@contoso.example');
  });

  it('also accepts AUTH LOGIN', async () => {
    const c = await start({ tls: pems, auth: RELAY_AUTH });
    const t = tlsTransport(c, RELAY_AUTH, { authMethod: 'LOGIN' });
    await t.sendMail(tap({ subject: 'login' }));
    expect(c.messages().map((m) => m.subject)).toEqual(['login']);
  });

  it('refuses a wrong AUTH password with 535 and catches nothing', async () => {
    const c = await start({ tls: pems, auth: RELAY_AUTH });
    const t = tlsTransport(c, { user: 'relay', pass: 'battery staple' });
    await expect(t.sendMail(tap())).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(c.messages()).toEqual([]);
  });

  it('refuses mail without AUTH when credentials are configured', async () => {
    const c = await start({ auth: RELAY_AUTH });
    await expect(transport(c).sendMail(tap())).rejects.toMatchObject({ responseCode: 530 });
    expect(c.messages()).toEqual([]);
  });

  it('refuses AUTH before STARTTLS when TLS is configured', async () => {
    const c = await start({ tls: pems, auth: RELAY_AUTH });
    const t = transport(c, { ignoreTLS: true, auth: RELAY_AUTH });
    await expect(t.sendMail(tap())).rejects.toMatchObject({ code: 'EAUTH', responseCode: 538 });
  });

  it('refuses a message over the size limit with 552', async () => {
    const c = await start({ maxMessageBytes: 2048 });
    await expect(transport(c).sendMail(tap({ text: 'x'.repeat(8000) }))).rejects.toMatchObject({ responseCode: 552 });
    await transport(c).sendMail(tap({ subject: 'small' }));
    expect(c.messages().map((m) => m.subject)).toEqual(['small']);
  });

  it('keeps only the most recent messages, and clear() empties the box', async () => {
    const c = await start({ keep: 3 });
    const t = transport(c);
    for (let i = 1; i <= 5; i++) await t.sendMail(tap({ subject: `n${i}` }));
    expect(c.messages().map((m) => m.subject)).toEqual(['n3', 'n4', 'n5']);
    c.clear();
    expect(c.messages()).toEqual([]);
  });

  it('waitForMessage resolves on a later arrival and times out with WAIT_TIMEOUT', async () => {
    const c = await start();
    const later = c.waitForMessage((m) => m.subject === 'later', 3000);
    await transport(c).sendMail(tap({ subject: 'other' }));
    await transport(c).sendMail(tap({ subject: 'later' }));
    expect((await later).subject).toBe('later');
    const err = await c.waitForMessage(() => false, 50).catch((e: unknown) => e);
    expect(isAppError(err, 'smtp-catcher', 'WAIT_TIMEOUT')).toBe(true);
  });
});

describe('inbox page', () => {
  const hostile = '<script>alert(1)</script> & "quoted"';

  async function sendHostile(): Promise<{ c: SmtpCatcher; m: CaughtMessage }> {
    const c = await start();
    await transport(c).sendMail(
      tap({
        subject: hostile,
        text: 'code: <img src=x onerror=alert(2)>',
        html: '<p>hi</p><script>parent.document.title="owned"</script>',
      }),
    );
    return { c, m: await c.waitForMessage(() => true, 2000) };
  }

  it('lists messages newest first with subjects HTML-escaped, under a strict CSP', async () => {
    const { c } = await sendHostile();
    await transport(c).sendMail(tap({ subject: 'second' }));
    const res = await fetch(c.inboxUrl);
    const page = await res.text();
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;');
    expect(page).not.toMatch(/<script/i);
    expect(page.indexOf('second')).toBeLessThan(page.indexOf('&lt;script&gt;'));
    expect(page).toContain('<link rel="stylesheet" href="/inbox.css">');
    expect(page).not.toMatch(/style=|<style/);
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
  });

  it('shows one message with escaped text and the HTML part only in a sandboxed frame', async () => {
    const { c, m } = await sendHostile();
    const page = await (await fetch(new URL(`/messages/${m.id}`, c.inboxUrl))).text();
    expect(page).not.toMatch(/<script|<img/i);
    expect(page).toContain('code: &lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain(
      `<iframe sandbox="" referrerpolicy="no-referrer" title="HTML part" src="/messages/${m.id}/html">`,
    );
    expect(page).toContain('<dt>x-keyward-template</dt><dd>tap-delivery</dd>');

    const part = await fetch(new URL(`/messages/${m.id}/html`, c.inboxUrl));
    expect(part.headers.get('Content-Security-Policy')).toMatch(/^sandbox; default-src 'none';/);
    expect(part.headers.get('Content-Security-Policy')).not.toContain('script-src');
    expect(await part.text()).toContain('<p>hi</p>');
  });

  it('serves the stylesheet, the JSON list and 404 for an unknown message', async () => {
    const { c, m } = await sendHostile();
    const css = await fetch(new URL('/inbox.css', c.inboxUrl));
    expect(css.headers.get('Content-Type')).toMatch(/^text\/css/);
    expect(await css.text()).toContain('iframe');
    const list = (await (await fetch(new URL('/api/messages', c.inboxUrl))).json()) as CaughtMessage[];
    expect(list.map((x) => [x.id, x.subject])).toEqual([[m.id, hostile]]);
    expect((await fetch(new URL('/messages/nope', c.inboxUrl))).status).toBe(404);
  });
});
