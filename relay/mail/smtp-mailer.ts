/**
 * The relay's only nodemailer adapter: one pooled SMTP transport built from `SMTP_URL`, with bounded
 * retries (see smtp-failure.ts for which failures are retried and what the caller is told).
 *
 * Transport security: `smtps://` is implicit TLS (RFC 8314 §3.3); `smtp://` upgrades with STARTTLS
 * (RFC 3207) whenever the server offers it, and outside DEMO mode it is required (`requireTLS`), so the
 * relay never hands a TAP to a server in clear text. AUTH uses the URL's user and password.
 *
 * Every send has one overall deadline (`deadlineMs`, default {@link SMTP_SEND_DEADLINE_MS}), retries
 * included, shorter than the page waits for the relay's answer (src/relay-api/mail.ts), so the operator
 * always hears the relay's verdict. At the deadline the send is aborted through nodemailer's `signal`
 * (which closes the connection carrying it): SMTP_TIMEOUT before DATA, SMTP_UNCERTAIN after.
 *
 * Whether the message content had started to go out is read from the message stream nodemailer hands
 * the connection (`readableDidRead`, the same test nodemailer's pool uses before requeueing): the
 * connection only starts reading it after the server's 354 reply to DATA.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { ComposedMail } from './compose';
import { classifySmtpFailure, smtpTimeout, type SmtpErrorLike } from './smtp-failure';

/** The relay's overall deadline for one send, retries included (the page waits 45 s, see src/relay-api/mail.ts). */
export const SMTP_SEND_DEADLINE_MS = 30_000;

/** The result of a delivered message. */
export interface SendOutcome {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The server's final reply code (250), or null if it gave none we could read. */
  responseCode: number | null;
  attempts: number;
}

/** Sends composed messages. */
export interface Mailer {
  /** Rejects with `AppError('relay', 'SMTP_UNAVAILABLE' | 'SMTP_UNCERTAIN' | 'SMTP_REJECTED' | 'SMTP_AUTH_FAILED' | 'SMTP_TLS_FAILED' | 'SMTP_TIMEOUT')`. */
  send(mail: ComposedMail): Promise<SendOutcome>;
  /** Closes the pool's connections. */
  close(): void;
}

/** Options for {@link createSmtpMailer}. */
export interface SmtpMailerOptions {
  /** smtp://[user:pass@]host[:port] or smtps://… (ports default to 25 and 465). */
  smtpUrl: string;
  /** `Name <address>` or `address`. */
  mailFrom: string;
  /** Allows plain SMTP when the server offers no STARTTLS (the demo's catcher). */
  demo: boolean;
  maxConnections: number;
  /** PEM CA bundle trusted for the server certificate instead of Node's roots (`SMTP_CA_FILE`). */
  ca?: string;
  /** The name the certificate must carry and SNI sends (`SMTP_TLS_SERVERNAME`); default SMTP_URL's host. */
  servername?: string;
  /** Overall deadline of one send in ms, retries included (default {@link SMTP_SEND_DEADLINE_MS}). */
  deadlineMs?: number;
  /** Attempts in all (default 3) and the first backoff (default 200 ms, doubled each time, ±25 % jitter). */
  retry?: { attempts?: number; baseDelayMs?: number };
  /** Socket timeouts in ms: connect (default 5000), greeting (5000), idle socket (20000). */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
}

/** The nodemailer pool options for `SMTP_URL`; exported for the bench, which sends directly with them. */
export function smtpTransportOptions(
  o: Omit<SmtpMailerOptions, 'mailFrom' | 'retry' | 'deadlineMs'>,
): SMTPPool.Options {
  const url = new URL(o.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    pool: true,
    host,
    port: url.port === '' ? (secure ? 465 : 25) : Number(url.port),
    secure,
    requireTLS: !secure && !o.demo,
    ...(url.username !== ''
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    tls: { servername: o.servername ?? host, minVersion: 'TLSv1.2', ...(o.ca !== undefined ? { ca: o.ca } : {}) },
    maxConnections: o.maxConnections,
    maxMessages: 100,
    connectionTimeout: o.timeouts?.connectionMs ?? 5000,
    greetingTimeout: o.timeouts?.greetingMs ?? 5000,
    socketTimeout: o.timeouts?.socketMs ?? 20_000,
    // Nothing in a message may make the relay read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  };
}

const addressOf = (mailbox: string) => /<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();
const asAddress = (a: unknown) =>
  typeof a === 'string' ? a : typeof a === 'object' && a !== null && 'address' in a ? String(a.address) : '';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the mailer and its pool (connections open on first use). */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const transport = nodemailer.createTransport(smtpTransportOptions(options));
  const fromAddress = addressOf(options.mailFrom);
  const fromDomain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);
  const attempts = options.retry?.attempts ?? 3;
  const baseDelayMs = options.retry?.baseDelayMs ?? 200;
  // The streams nodemailer creates for each message in flight, by Message-ID (one per attempt or requeue).
  const streams = new Map<string, Readable[]>();
  transport.use('stream', (mail, done) => {
    const list = streams.get(mail.message.messageId());
    if (list) mail.message.processFunc((output) => (list.push(output), output));
    done();
  });

  const deadlineMs = options.deadlineMs ?? SMTP_SEND_DEADLINE_MS;

  const attempt = async (mail: ComposedMail, messageId: string, signal: AbortSignal) => {
    const info = await transport.sendMail({
      messageId,
      signal,
      from: options.mailFrom,
      to: mail.to,
      cc: mail.cc,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html !== undefined ? { html: mail.html } : {}),
      envelope: { from: fromAddress, to: [...mail.to, ...mail.cc].map((a) => a.address) },
    });
    const responseCode = /^\d{3}/.exec(typeof info.response === 'string' ? info.response : '')?.[0];
    return {
      accepted: (info.accepted as unknown[]).map(asAddress),
      rejected: (info.rejected as unknown[]).map(asAddress),
      responseCode: responseCode === undefined ? null : Number(responseCode),
    };
  };

  return {
    async send(mail) {
      const messageId = `<${randomUUID()}@${fromDomain}>`;
      const deadline = AbortSignal.timeout(deadlineMs);
      const endsAt = Date.now() + deadlineMs;
      for (let n = 1; ; n++) {
        const read: Readable[] = [];
        streams.set(messageId, read);
        try {
          return { messageId, ...(await attempt(mail, messageId, deadline)), attempts: n };
        } catch (e) {
          const dataStarted = read.some((s) => s.readableDidRead);
          if (deadline.aborted) throw dataStarted ? classifySmtpFailure({}, true, n).error : smtpTimeout(n, deadlineMs);
          const verdict = classifySmtpFailure(e as SmtpErrorLike, dataStarted, n);
          const pause = baseDelayMs * 2 ** (n - 1) * (0.75 + Math.random() * 0.5);
          if (!verdict.retry || n >= attempts || Date.now() + pause >= endsAt) throw verdict.error;
          await sleep(pause);
        } finally {
          streams.delete(messageId);
        }
      }
    },
    close: () => transport.close(),
  };
}
