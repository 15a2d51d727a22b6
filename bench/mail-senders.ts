/**
 * The two senders of the relay-mail bench (relay-mail.ts), and the SMTP sink both send to: `directRun`
 * straight through a pooled nodemailer transport with the relay's options, `relayRun` through the relay
 * over HTTP. Both drive a fixed number of concurrent senders and return per-message latencies.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { smtpTransportOptions } from '../relay/mail/smtp-mailer';

/** Runs `task(i)` for i in [0, count) with `concurrency` workers; returns elapsed ms. */
async function drive(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return performance.now() - start;
}

/** An SMTP server on loopback that accepts every message and discards it, counting them. */
export async function startSink(): Promise<{ port: number; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const sink = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, _session, done) {
      stream.resume();
      stream.on('end', () => {
        received++;
        done();
      });
    },
  });
  // smtp-server leaves Nagle on; with delayed ACKs every reply would wait ~40 ms and cap both runs.
  sink.server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const { port } = sink.server.address() as AddressInfo;
  return { port, received: () => received, close: () => new Promise<void>((r) => sink.close(() => r())) };
}

/**
 * One POST over node:http. Not fetch: undici's fetch costs the sending side about 1.5 ms of CPU per
 * request, and on a small machine the senders share the CPUs with the relay, while the direct run has no
 * HTTP client at all. The relay sees the same request either way (Content-Length, keep-alive).
 */
function post(
  agent: Agent,
  url: URL,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Where the relay run sends, as whom, and the request bodies it sends in turn. */
export interface RelayTarget {
  readonly url: string;
  readonly token: string;
  readonly bodies: readonly string[];
}

/**
 * Sends `count` messages through the relay from `concurrency` senders (idempotency keys numbered from
 * `offset`) and returns per-request latencies (ms); throws on any non-200.
 */
export async function relayRun(
  { url, token, bodies }: RelayTarget,
  count: number,
  offset: number,
  concurrency: number,
): Promise<{ ms: number; latencies: number[] }> {
  const latencies: number[] = [];
  const target = new URL(`${url}/api/mail`);
  // Keep-alive, one connection per sender, as fetch's pool did.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const ms = await drive(count, concurrency, async (i) => {
    const t0 = performance.now();
    const res = await post(
      agent,
      target,
      {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': `bench-${offset + i}`,
      },
      bodies[i % bodies.length]!,
    );
    latencies.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`relay answered ${res.status}: ${res.text.slice(0, 200)}`);
  }).finally(() => agent.destroy());
  return { ms, latencies };
}

/**
 * Sends the relay's message straight through a pooled nodemailer transport with the relay's options:
 * the same rendered subject and bodies (text + html alternatives), recipient as an address object, Cc,
 * a fresh Message-ID and an explicit envelope, exactly the sendMail() call of relay/mail/smtp-mailer.ts,
 * so the two runs put identical MIME on the wire.
 */
export async function directRun(
  smtpUrl: string,
  count: number,
  { warmup, concurrency, maxConnections }: { warmup: number; concurrency: number; maxConnections: number },
): Promise<{ ms: number; latencies: number[] }> {
  const transport = nodemailer.createTransport(smtpTransportOptions({ smtpUrl, demo: true, maxConnections }));
  const to = [{ name: '', address: 'ben.member@contoso.example' }];
  const message = () => ({
    messageId: `<${randomUUID()}@contoso.example>`,
    from: 'Keyward <keyward@contoso.example>',
    to,
    cc: [],
    subject: 'Your Temporary Access Pass, Ben',
    text: 'Hello Ben Member, your pass b6f1c3a2-0000-4000-8000-000000000001 is Xq7#mP2k; it expires 2026-11-27T11:00:00Z. -- Aisha Operator',
    html: '<p>Hello Ben Member, your pass is <b>Xq7#mP2k</b>; it expires 2026-11-27T11:00:00Z.</p>',
    envelope: { from: 'keyward@contoso.example', to: to.map((a) => a.address) },
  });
  const latencies: number[] = [];
  try {
    await drive(warmup, concurrency, async () => void (await transport.sendMail(message())));
    const ms = await drive(count, concurrency, async () => {
      const t0 = performance.now();
      await transport.sendMail(message());
      latencies.push(performance.now() - t0);
    });
    return { ms, latencies };
  } finally {
    transport.close();
  }
}
