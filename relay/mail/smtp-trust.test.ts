/**
 * TLS trust towards the mail server, through `POST /api/mail` outside demo mode (STARTTLS required):
 * a private CA from SMTP_CA_FILE, the name SMTP_TLS_SERVERNAME checks, and SMTP_TLS_FAILED naming its
 * cause in the response and in the `mail` log line. Real STARTTLS exchanges with the catcher on loopback.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SPA_CLIENT_ID } from '../../demo/entra-emulator/tenant';
import { startSmtpCatcher } from '../../demo/smtp-catcher/index';
import type { LocalTls } from '../../demo/local-tls';
import { post, tapRequest, useMailSuite } from '../../test/support/mail-world';
import { namedTls } from '../../test/support/named-tls';
import type { ErrorJson } from '../../test/support/relay-app';

const suite = useMailSuite();
const dir = mkdtempSync(join(tmpdir(), 'keyward-smtp-trust-'));

/** A STARTTLS catcher presenting `tls`'s certificate and taking AUTH as relay/pw. */
const catcherWith = (tls: LocalTls) =>
  startSmtpCatcher({ port: 0, tls: { cert: tls.certPem, key: tls.keyPem }, auth: { user: 'relay', pass: 'pw' } }).then(
    (c) => suite.closeLater(c),
  );

/** The relay out of demo mode, sending to `host`:`port`, with `env` on top. */
const relayTo = (host: string, port: number, env: Record<string, string> = {}) =>
  suite.rebuild({
    DEMO: undefined,
    SPA_CLIENT_IDS: DEMO_SPA_CLIENT_ID,
    GRAPH_CLIENT_SECRET: 'keyward-demo-relay-secret',
    GRAPH_BASE_URL: suite.world.emulator.graphBaseUrl,
    SMTP_URL: `smtp://relay:pw@${host}:${port}`,
    ...env,
  });

/** Sends the TAP email; returns the status, the error body and the `mail` log line. */
async function send() {
  const res = await post(suite.relay.app, suite.aisha, tapRequest());
  const body = res.status === 200 ? undefined : ((await res.json()) as ErrorJson & { error: { tlsCause?: string } });
  return { status: res.status, error: body?.error, log: suite.relay.logs.find((l) => l.msg === 'mail') };
}

/**
 * Sends the TAP email and expects it refused, once tried, with SMTP_TLS_FAILED naming `tlsCause` in the
 * answer and in the `mail` log line, and a message that says `words`.
 */
async function expectTlsFailed(tlsCause: string, words: string) {
  const refused = await send();
  expect(refused).toMatchObject({
    status: 502,
    error: { code: 'SMTP_TLS_FAILED', retryable: false, tlsCause },
    log: { errorCode: 'SMTP_TLS_FAILED', tlsCause, attempts: 1 },
  });
  expect(refused.error?.message).toContain(words);
}

describe('SMTP TLS trust', () => {
  it('names an untrusted certificate, and trusts the private CA given in SMTP_CA_FILE', async () => {
    const privateCa = await namedTls(['localhost']);
    const catcher = await catcherWith(privateCa);
    await relayTo('localhost', catcher.smtpPort);
    await expectTlsFailed('untrusted-certificate', 'not signed by a trusted CA (set SMTP_CA_FILE');

    const caFile = join(dir, 'private-ca.pem');
    writeFileSync(caFile, privateCa.caPem);
    await relayTo('localhost', catcher.smtpPort, { SMTP_CA_FILE: caFile });
    expect((await send()).status).toBe(200);
    expect(catcher.messages()).toHaveLength(1);
  });

  it('names a certificate for another host, and SMTP_TLS_SERVERNAME names the host the certificate must carry', async () => {
    const tls = await namedTls(['mail.contoso.example']);
    const catcher = await catcherWith(tls);
    const caFile = join(dir, 'mail-ca.pem');
    writeFileSync(caFile, tls.caPem);
    await relayTo('127.0.0.1', catcher.smtpPort, { SMTP_CA_FILE: caFile });
    await expectTlsFailed('name-mismatch', 'does not name the host');

    await relayTo('127.0.0.1', catcher.smtpPort, { SMTP_CA_FILE: caFile, SMTP_TLS_SERVERNAME: 'mail.contoso.example' });
    expect((await send()).status).toBe(200);
    // And a servername the certificate lacks is refused, however the host is reached.
    await relayTo('127.0.0.1', catcher.smtpPort, { SMTP_CA_FILE: caFile, SMTP_TLS_SERVERNAME: 'smtp.contoso.example' });
    expect((await send()).error?.tlsCause).toBe('name-mismatch');
    expect(catcher.messages()).toHaveLength(1);
  });

  it('names a server that offers no STARTTLS', async () => {
    await relayTo('127.0.0.1', suite.world.catcher.smtpPort);
    await expectTlsFailed('no-starttls', 'does not offer STARTTLS');
    expect(suite.world.catcher.messages()).toHaveLength(0);
  });
});
