import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/app-error';
import { testTls } from '../../test/support/test-tls';
import { loadConfig } from '../config';
import { parseTlsServername, readSmtpCaFile, tlsCauseOf } from './smtp-tls';

const dir = mkdtempSync(join(tmpdir(), 'keyward-smtp-ca-'));
const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
const problemsOf = (path: string | undefined) => {
  const problems: string[] = [];
  return { pem: readSmtpCaFile(path, problems), problems };
};

describe('SMTP_CA_FILE', () => {
  const { caPem, certPem } = testTls();

  it('reads a PEM bundle of one or more certificates', () => {
    expect(problemsOf(file('one.pem', caPem))).toEqual({ pem: caPem, problems: [] });
    expect(problemsOf(file('two.pem', caPem + certPem)).problems).toEqual([]);
  });

  it('refuses a missing file, a file without certificates, a truncated block and a corrupt certificate, naming each', () => {
    const corrupt = caPem.replace(/\n([A-Za-z0-9+/]{10})/, '\n!!!!!!!!!!');
    const truncated = caPem + caPem.slice(0, 80);
    expect(problemsOf(join(dir, 'absent.pem')).problems).toEqual([
      `SMTP_CA_FILE '${dir}/absent.pem' cannot be read (ENOENT)`,
    ]);
    expect(problemsOf(file('empty.pem', 'not a certificate\n')).problems[0]).toMatch(/holds no PEM certificate/);
    expect(problemsOf(file('cut.pem', truncated)).problems[0]).toMatch(/a certificate block without its END line/);
    expect(problemsOf(file('bad.pem', certPem + corrupt)).problems[0]).toMatch(
      /certificate 2 of 2 is not a valid X\.509 certificate/,
    );
  });

  it('is checked by loadConfig, with the other problems, before the relay starts', () => {
    const env = {
      DEMO: '1',
      TENANT_ID: '7f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b',
      RELAY_CLIENT_ID: '3c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f',
    };
    const good = loadConfig({ ...env, ALLOWED_ORIGINS: 'http://localhost:5173', SMTP_CA_FILE: file('ok.pem', caPem) });
    expect(good.smtpCa).toBe(caPem);
    let error: unknown;
    try {
      loadConfig({ ...env, SMTP_CA_FILE: file('bad2.pem', 'garbage'), SMTP_TLS_SERVERNAME: 'not a name' });
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'relay', 'BAD_CONFIG')).toBe(true);
    const problems = (error as { fields: { problems: string[] } }).fields.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SMTP_CA_FILE .* holds no PEM certificate/),
        "SMTP_TLS_SERVERNAME must be a DNS host name, got 'not a name'",
      ]),
    );
  });
});

describe('SMTP_TLS_SERVERNAME', () => {
  it('takes a DNS name, lower-cased, and refuses anything else', () => {
    const problems: string[] = [];
    expect(parseTlsServername('Mail.Contoso.example', problems)).toBe('mail.contoso.example');
    expect(parseTlsServername(undefined, problems)).toBeUndefined();
    expect(parseTlsServername('smtp://mail', problems)).toBeUndefined();
    expect(problems).toHaveLength(1);
  });
});

describe('tlsCauseOf', () => {
  it.each([
    [{ code: 'ESOCKET', originalCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'untrusted-certificate'],
    [{ code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'untrusted-certificate'],
    [{ code: 'ESOCKET', originalCode: 'SELF_SIGNED_CERT_IN_CHAIN' }, 'untrusted-certificate'],
    [{ code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED' }, 'expired-certificate'],
    [{ code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'name-mismatch'],
    [{ code: 'ETLS', command: 'STARTTLS', responseCode: 502 }, 'no-starttls'],
    [{ code: 'ETLS', command: 'STARTTLS' }, 'handshake-failed'],
    [{ code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'handshake-failed'],
    [{ code: 'ECONNECTION', originalCode: 'ECONNREFUSED' }, undefined],
    [{ code: 'EAUTH', responseCode: 535 }, undefined],
  ])('%o → %s', (err, cause) => expect(tlsCauseOf(err)).toBe(cause));
});
