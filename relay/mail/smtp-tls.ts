/**
 * TLS towards the mail server: the private CA bundle (`SMTP_CA_FILE`) and the name to verify
 * (`SMTP_TLS_SERVERNAME`), both checked at start-up, and what a TLS failure was caused by, read from
 * the codes Node's TLS layer and nodemailer put on the error (never from message text).
 *
 * The bundle is trusted for SMTP only (nodemailer's `tls.ca`, which replaces Node's default roots for
 * that connection), unlike `NODE_EXTRA_CA_CERTS`, which is process-wide and skips a malformed file.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Why TLS with the mail server failed, as the response and the log name it. */
export type SmtpTlsCause =
  'untrusted-certificate' | 'expired-certificate' | 'name-mismatch' | 'no-starttls' | 'handshake-failed';

/** A sentence for each cause, for the error message (an administrator reads it in the relay log too). */
export const TLS_CAUSE_WORDS: Readonly<Record<SmtpTlsCause, string>> = {
  'untrusted-certificate':
    "the server's certificate is not signed by a trusted CA (set SMTP_CA_FILE to the private CA's PEM bundle)",
  'expired-certificate': "the server's certificate has expired or is not yet valid",
  'name-mismatch':
    "the server's certificate does not name the host the relay connected to (check SMTP_URL's host, or set SMTP_TLS_SERVERNAME)",
  'no-starttls': 'the server does not offer STARTTLS, and the relay sends nothing in clear text',
  'handshake-failed': 'the TLS handshake failed (protocol version or cipher)',
};

/** Node's X.509 verification codes (OpenSSL `X509_V_ERR_*` names) for a chain it cannot trust. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const NAME = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

/** The fields of a nodemailer error that tell a TLS failure's cause. */
export interface TlsErrorLike {
  code?: unknown;
  originalCode?: unknown;
  command?: unknown;
  responseCode?: unknown;
}

/**
 * The cause of a TLS failure, or undefined when `err` is not one. nodemailer reports a certificate the
 * handshake rejected as ESOCKET/ETLS with Node's code in `originalCode`, and a server that answers
 * STARTTLS with an error reply (it does not offer it; RFC 3207 §4) as ETLS on the `STARTTLS` command.
 */
export function tlsCauseOf(err: TlsErrorLike): SmtpTlsCause | undefined {
  const code = typeof err.code === 'string' ? err.code : '';
  const original = typeof err.originalCode === 'string' ? err.originalCode : '';
  if (UNTRUSTED.has(original) || UNTRUSTED.has(code)) return 'untrusted-certificate';
  if (EXPIRED.has(original) || EXPIRED.has(code)) return 'expired-certificate';
  if (NAME.has(original) || NAME.has(code)) return 'name-mismatch';
  if (code === 'ETLS' && err.command === 'STARTTLS' && typeof err.responseCode === 'number') return 'no-starttls';
  if (code === 'ETLS' || code === 'EREQUIRETLS' || /^ERR_(TLS|SSL)_/.test(original)) return 'handshake-failed';
  return undefined;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * Reads and checks `SMTP_CA_FILE`: every `BEGIN CERTIFICATE` block must end and parse as X.509, and
 * there must be at least one. Returns the PEM text, or undefined (with a problem pushed) when unset or bad.
 */
export function readSmtpCaFile(path: string | undefined, problems: string[]): string | undefined {
  if (path === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    problems.push(`SMTP_CA_FILE '${path}' cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  const begun = pem.split('-----BEGIN CERTIFICATE-----').length - 1;
  if (blocks.length === 0) {
    problems.push(`SMTP_CA_FILE '${path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return undefined;
  }
  if (begun !== blocks.length) {
    problems.push(`SMTP_CA_FILE '${path}' has a certificate block without its END line`);
    return undefined;
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block[0]);
    } catch {
      problems.push(
        `SMTP_CA_FILE '${path}': certificate ${i + 1} of ${blocks.length} is not a valid X.509 certificate`,
      );
      return undefined;
    }
  }
  return pem;
}

const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** `SMTP_TLS_SERVERNAME`: the DNS name the certificate must carry (and SNI sends), when not SMTP_URL's host. */
export function parseTlsServername(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (!HOST_NAME.test(value)) {
    problems.push(`SMTP_TLS_SERVERNAME must be a DNS host name, got '${value}'`);
    return undefined;
  }
  return value.toLowerCase();
}
