/**
 * The demo's SMTP catcher: a loopback SMTP server (smtp-server) that accepts every message, parses it
 * with mailparser and keeps the most recent ones in memory, plus the inbox page (./inbox.ts) on HTTP.
 *
 * Protocol notes: STARTTLS (RFC 3207) is offered only when a certificate is given; AUTH PLAIN/LOGIN
 * (RFC 4954) is required when credentials are given, and then only after STARTTLS when TLS is on. The
 * SIZE extension (RFC 1870) advertises the limit; oversized messages are refused with 552.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { simpleParser } from 'mailparser';
import {
  SMTPServer,
  type SMTPServerAuthentication,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';
import { bytesEqual } from '../../src/bytes';
import { AppError } from '../../src/app-error';
import { toCaughtMessage, type CaughtMessage } from './caught-message';
import { createInboxApp } from './inbox';

/** Options for {@link startSmtpCatcher}. */
export interface SmtpCatcherOptions {
  /** SMTP port; 0 picks a free one. */
  port: number;
  /** Defaults to 127.0.0.1: the catcher is for loopback use only. */
  host?: string;
  /** Inbox page port; defaults to 0 (a free one). */
  httpPort?: number;
  /** PEM certificate and key: enables STARTTLS. */
  tls?: { cert: string; key: string };
  /** When given, AUTH PLAIN/LOGIN with exactly these credentials is required. */
  auth?: { user: string; pass: string };
  /** Largest accepted message in bytes; defaults to 10 MiB. */
  maxMessageBytes?: number;
  /** How many recent messages to keep; defaults to 200. */
  keep?: number;
}

/** A running catcher. */
export interface SmtpCatcher {
  smtpPort: number;
  /** `http://host:port/` of the inbox page. */
  inboxUrl: string;
  /** Kept messages, oldest first. */
  messages(): CaughtMessage[];
  /** Resolves with the first kept or future message matching `pred`. */
  waitForMessage(pred: (m: CaughtMessage) => boolean, timeoutMs?: number): Promise<CaughtMessage>;
  clear(): void;
  close(): Promise<void>;
}

/** Constant-time comparison, so the catcher does not teach timing attacks by example. */
function same(a: string, b: string): boolean {
  return bytesEqual(new TextEncoder().encode(a), new TextEncoder().encode(b));
}

/** Holds the recent messages and the waiters for new ones. */
class Mailbox {
  readonly items: CaughtMessage[] = [];
  private readonly waiters = new Set<(m: CaughtMessage) => void>();
  constructor(private readonly keep: number) {}

  add(m: CaughtMessage): void {
    this.items.push(m);
    if (this.items.length > this.keep) this.items.splice(0, this.items.length - this.keep);
    for (const w of [...this.waiters]) w(m);
  }

  wait(pred: (m: CaughtMessage) => boolean, timeoutMs: number): Promise<CaughtMessage> {
    const found = this.items.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (m: CaughtMessage) => {
        if (!pred(m)) return;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new AppError('smtp-catcher', 'WAIT_TIMEOUT', `No matching message arrived within ${timeoutMs} ms.`, {
            timeoutMs,
          }),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

/** Collects the message, refusing it (552, RFC 5321 §4.2.3) if it outgrew the SIZE limit. */
async function receive(stream: SMTPServerDataStream, session: SMTPServerSession, mailbox: Mailbox): Promise<void> {
  const parsed = await simpleParser(stream);
  if (stream.sizeExceeded) {
    throw Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 });
  }
  const envelope = {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((r) => r.address),
  };
  mailbox.add(toCaughtMessage(randomUUID(), new Date(), envelope, parsed));
}

function createSmtpServer(options: SmtpCatcherOptions, mailbox: Mailbox): SMTPServer {
  const auth = options.auth;
  return new SMTPServer({
    secure: false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: auth === undefined,
    // Over loopback without a certificate there is nothing to upgrade to; with one, AUTH waits for STARTTLS.
    allowInsecureAuth: options.tls === undefined,
    size: options.maxMessageBytes ?? 10 * 1024 * 1024,
    disableReverseLookup: true,
    logger: false,
    banner: 'Keyward SMTP catcher',
    onAuth(a: SMTPServerAuthentication, _session, callback) {
      if (auth && !(same(a.username ?? '', auth.user) && same(a.password ?? '', auth.pass))) {
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
      callback(null, { user: a.username });
    },
    onData(stream, session, callback) {
      receive(stream, session, mailbox).then(
        () => callback(),
        (e: Error) => callback(e),
      );
    },
  });
}

/** Starts the SMTP catcher and its inbox page. */
export async function startSmtpCatcher(options: SmtpCatcherOptions): Promise<SmtpCatcher> {
  const host = options.host ?? '127.0.0.1';
  const mailbox = new Mailbox(options.keep ?? 200);
  const smtp = createSmtpServer(options, mailbox);
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.port, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const inbox = createInboxApp(() => mailbox.items);
  const http = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: inbox.fetch, port: options.httpPort ?? 0, hostname: host }, () =>
      resolve(s as Server),
    ) as Server;
    s.once('error', reject);
  });
  const httpPort = (http.address() as AddressInfo).port;
  return {
    smtpPort,
    inboxUrl: `http://${host}:${httpPort}/`,
    messages: () => [...mailbox.items],
    waitForMessage: (pred, timeoutMs = 5000) => mailbox.wait(pred, timeoutMs),
    clear: () => void mailbox.items.splice(0),
    close: async () => {
      http.closeAllConnections();
      await Promise.all([
        new Promise<void>((r) => smtp.close(() => r())),
        new Promise<void>((r) => http.close(() => r())),
      ]);
    },
  };
}
