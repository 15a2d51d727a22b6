/**
 * `POST /api/mail` outside demo mode, where the relay requires STARTTLS: a real STARTTLS + AUTH
 * exchange with the SMTP catcher on loopback, the message parsed back, and the refusals.
 */
import { DEMO_SPA_CLIENT_ID } from '../../demo/entra-emulator/tenant';
import { describe, expect, it } from 'vitest';
import { startSmtpCatcher } from '../../demo/smtp-catcher/index';
import { post, tapRequest, useMailSuite } from '../../test/support/mail-world';
import type { ErrorJson } from '../../test/support/relay-app';

const suite = useMailSuite();

const settle = () => new Promise((r) => setTimeout(r, 150));

/** A catcher that takes AUTH as `relay` with `pass`, only after STARTTLS with the world's certificate. */
const secureCatcher = (pass: string) =>
  startSmtpCatcher({
    port: 0,
    tls: { cert: suite.world.tls.certPem, key: suite.world.tls.keyPem },
    auth: { user: 'relay', pass },
  }).then((catcher) => suite.closeLater(catcher));

/** Rebuilds the relay out of demo mode (so with requireTLS), sending to `smtpUrl` (default: the plain catcher). */
const rebuildNotDemo = (smtpUrl?: string) =>
  suite.rebuild({
    DEMO: undefined,
    SPA_CLIENT_IDS: DEMO_SPA_CLIENT_ID,
    GRAPH_CLIENT_SECRET: 'keyward-demo-relay-secret',
    GRAPH_BASE_URL: suite.world.emulator.graphBaseUrl,
    ...(smtpUrl === undefined ? {} : { SMTP_URL: smtpUrl }),
  });

describe('SMTP with STARTTLS and AUTH', () => {
  it('upgrades, authenticates and delivers; the message parses back intact', async () => {
    const secure = await secureCatcher('p@ss word');
    await rebuildNotDemo(`smtp://relay:p%40ss%20word@localhost:${secure.smtpPort}`);
    expect(suite.relay.config.demo).toBe(false);
    const res = await post(
      suite.relay.app,
      suite.aisha,
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
    const secure = await secureCatcher('right');
    await rebuildNotDemo(`smtp://relay:wrong@localhost:${secure.smtpPort}`);
    const res = await post(suite.relay.app, suite.aisha, tapRequest());
    expect(res.status).toBe(502);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'SMTP_AUTH_FAILED', retryable: false });
    expect(suite.relay.logs.find((l) => l.msg === 'mail')).toMatchObject({ attempts: 1, smtpResponseCode: 535 });
    expect(JSON.stringify(suite.relay.logs)).not.toContain('wrong');
    await settle();
    expect(secure.messages()).toHaveLength(0);
  });

  it('refuses to send in clear text to a server without STARTTLS outside demo mode', async () => {
    await rebuildNotDemo();
    const res = await post(suite.relay.app, suite.aisha, tapRequest());
    expect(res.status).toBe(502);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: 'SMTP_TLS_FAILED', retryable: false });
    await settle();
    expect(suite.world.catcher.messages()).toHaveLength(0);
  });
});
