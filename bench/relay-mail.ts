/**
 * Relay mail throughput, latency and memory, next to nodemailer sending directly. Loopback only.
 *
 * Setup: the Entra emulator (https, throwaway CA) for tokens and Graph, and an SMTP sink (smtp-server
 * that accepts and discards) in this process; the relay in a child process, configured by environment
 * as in production (NODE_EXTRA_CA_CERTS trusts the CA). The child runs relay/server.ts bundled by
 * esbuild (a dependency of tsx) and plain `node`, as a deployment would, so the memory figure is the
 * relay's and not the TypeScript loader's (~40 MB); without esbuild it falls back to `--import tsx`.
 * The child's V8 heap is capped as the README recommends (RELAY_HEAP_MB).
 * Messages go to ten different members in turn; the relay caches Graph users for 30 s, and the number
 * of Graph lookups it made is printed.
 *
 * Runs: MESSAGES messages from CONCURRENCY concurrent senders, first straight through one pooled
 * nodemailer transport (the relay's own transport options), then through the relay over HTTP (token
 * check, Graph lookup, render, recipient checks, SMTP). Prints messages/s for both and their ratio
 * (target ≥ 0.8), the relay's p50/p99 request latency (target p99 < 100 ms) and its peak RSS from
 * /proc/<pid>/status VmHWM (target < 150 MB), and a Little's-law line: with CONCURRENCY requests always in
 * flight, the mean latency is CONCURRENCY / throughput, and a relay that answers only after the SMTP
 * server accepted the message cannot beat nodemailer's own throughput. The whole run is bounded by
 * DEADLINE_MS.
 *
 * Both runs send the same MIME: the direct run makes the relay's own sendMail() call. The senders use
 * node:http rather than fetch, whose client-side CPU would otherwise compete with the relay for the CPUs.
 * RELAY_CPU_PROF=<dir> writes a V8 CPU profile of the relay child (and a copy of the bundle, whose
 * `// node_modules/<pkg>/…` markers attribute its lines to packages) to <dir>.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { smtpTransportOptions } from '../relay/mail/smtp-mailer';
import { DEMO_RELAY_CLIENT_ID, DEMO_TENANT_ID } from '../demo/entra-emulator/index';
import { startTestEntra } from '../test/support/test-entra';
import { createLocalTls } from '../demo/local-tls';

const MESSAGES = 2000;
const CONCURRENCY = 50;
const SMTP_MAX_CONNECTIONS = 10;
/**
 * V8 old-space cap for the relay child, as relay/mail/README.md recommends for deployments: the live heap
 * stays near 25 MB under this load, but without a cap V8 lets garbage grow the heap past 80 MB first.
 */
const RELAY_HEAP_MB = 96;
const WARMUP = 50;
const SERIAL = 200;
const DEADLINE_MS = 120_000;
const OPERATOR = 'f0d76d4f-d051-4401-89ab-2949d26eb033'; // Aisha Operator (Keyward.Operator)
/** Enabled members of the seeded tenant (demo/entra-emulator/tenant-people.ts), all with contoso.example mail. */
const TARGETS = [
  '46876d75-c7ea-4ea4-863b-a6e9796b7d11',
  'e3754be0-66f4-4f38-af4f-202bd48c0af1',
  'e31cb0b2-8861-4f00-b11e-a8b5e48494da',
  '67504bb1-a991-4178-a93b-eab775048ef2',
  '7d321c2c-6587-4029-93da-9feff13c5310',
  '136f56e1-fa6d-4f65-a9c8-73c6bf6a853b',
  '39cd7a99-7bf1-4c80-b7dd-2a97c76b0242',
  '663218e1-45b3-4109-924f-c499ae9591dd',
  'd453b24e-4c45-4cb3-8c1b-25f8aaaa5d86',
  '7aae89f4-61eb-4c12-828f-51e1d8973656',
];

/** The data-export template the senders name; published on the relay before the runs (the relay sends only those). */
const TEMPLATE = {
  id: 'bench-tap',
  name: 'TAP email',
  target: 'email',
  sendAutomatically: true,
  connector: 'relay',
  to: '${Mail}',
  cc: '',
  subject: 'Your Temporary Access Pass, ${GivenName}',
  text: 'Hello ${DisplayName}, your pass ${AadTapId} is ${AadTapCode}; it expires ${AadTapExpires}. -- ${OperatorName}',
  html: '<p>Hello ${DisplayName}, your pass is <b>${AadTapCode}</b>; it expires ${AadTapExpires}.</p>',
  updatedAt: '2026-12-01T09:00:00.000Z',
};

const REQUEST = {
  template: { id: TEMPLATE.id, version: 1 },
  targetUserId: TARGETS[0]!,
  values: {
    AadTapId: 'b6f1c3a2-0000-4000-8000-000000000001',
    AadTapCode: 'Xq7#mP2k',
    AadTapExpires: '2026-11-27T11:00:00Z',
  },
};

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

async function startSink(): Promise<{ port: number; received: () => number; close(): Promise<void> }> {
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

const ROOT = new URL('..', import.meta.url).pathname;

/** PGlite's files that it reads at run time from the directory of the module that loads it. */
const PGLITE_FILES = ['pglite.wasm', 'pglite.data', 'initdb.wasm'];

/** Bundles relay/server.ts into `dir` with esbuild; returns node's arguments for the child. */
function relayEntry(dir: string): { args: string[]; mode: string } {
  const outfile = join(dir, 'relay.mjs');
  // The bundle is ESM with CommonJS dependencies inside; this banner gives them a `require`.
  const banner = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
  const built = spawnSync(
    join(ROOT, 'node_modules/.bin/esbuild'),
    [
      'relay/server.ts',
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${outfile}`,
      `--banner:js=${banner}`,
      '--log-level=error',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // PGlite loads its WebAssembly and data files from beside its module, which in the bundle is relay.mjs.
  const pglite = join(ROOT, 'node_modules/@electric-sql/pglite/dist');
  if (built.status === 0) for (const f of PGLITE_FILES) copyFileSync(join(pglite, f), join(dir, f));
  const heap = `--max-old-space-size=${RELAY_HEAP_MB}`;
  // RELAY_CPU_PROF=<dir> profiles the child (node --cpu-prof); the profile is written when it exits.
  const profDir = process.env.RELAY_CPU_PROF;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  // The bundle goes beside the profile: its `// node_modules/<pkg>/…` markers attribute lines to packages.
  if (profDir && built.status === 0) copyFileSync(outfile, join(profDir, 'relay.mjs'));
  return built.status === 0
    ? { args: [heap, ...prof, outfile], mode: `esbuild bundle, node ${heap}` }
    : { args: [heap, ...prof, '--import', 'tsx', 'relay/server.ts'], mode: `tsx, ${heap}` };
}

/** Starts the relay child and resolves with its URL once it logs "relay listening". */
function startRelayChild(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Uint8Array) => {
      buffered += String(chunk);
      const line = buffered.split('\n').find((l) => l.includes('"relay listening"'));
      if (!line) return;
      // From here on the log lines are read and dropped, so the pipe never fills.
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`relay exited early (code ${code})`)));
  });
}

/** VmRSS and VmHWM of `pid` in MB (Linux /proc). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) of `pid` in ms, from /proc/<pid>/stat (clock ticks, 100 per second on Linux). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

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

/** Sends through the relay and returns per-request latencies (ms); throws on any non-200. */
async function relayRun(
  url: string,
  token: string,
  count: number,
  offset: number,
  concurrency = CONCURRENCY,
): Promise<{ ms: number; latencies: number[] }> {
  const latencies: number[] = [];
  const bodies = TARGETS.map((targetUserId) => JSON.stringify({ ...REQUEST, targetUserId }));
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
async function directRun(smtpUrl: string, count: number): Promise<{ ms: number; latencies: number[] }> {
  const transport = nodemailer.createTransport(
    smtpTransportOptions({ smtpUrl, demo: true, maxConnections: SMTP_MAX_CONNECTIONS }),
  );
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
    await drive(WARMUP, CONCURRENCY, async () => void (await transport.sendMail(message())));
    const ms = await drive(count, CONCURRENCY, async () => {
      const t0 = performance.now();
      await transport.sendMail(message());
      latencies.push(performance.now() - t0);
    });
    return { ms, latencies };
  } finally {
    transport.close();
  }
}

/** Everything a run needs: the emulator, the sink, the relay child and an operator token. */
interface Rig {
  relayUrl: string;
  relayPid: number;
  mode: string;
  smtpUrl: string;
  token: string;
  received(): number;
  graphLookups(): number;
  close(): Promise<void>;
}

async function startRig(): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  const tls = await createLocalTls(1);
  writeFileSync(join(dir, 'ca.pem'), tls.caPem);
  let graphLookups = 0;
  const emulator = await startTestEntra(tls, {
    spaRedirectUris: ['http://localhost:5173/auth-redirect.html'],
    log: (line) => void (line.startsWith('graph GET /graph/v1.0/users/') && graphLookups++),
  });
  const sink = await startSink();
  const smtpUrl = `smtp://127.0.0.1:${sink.port}`;
  let child: ChildProcess | undefined;
  const close = async () => {
    // Waits for the child (bounded), so that a --cpu-prof profile is written before the sink goes away.
    const exited = child && child.exitCode === null ? new Promise((r) => child!.once('exit', r)) : Promise.resolve();
    child?.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
    await Promise.all([sink.close(), emulator.close()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const entry = relayEntry(dir);
    const relay = await startRelayChild(entry.args, {
      PORT: '0',
      TENANT_ID: DEMO_TENANT_ID,
      RELAY_CLIENT_ID: DEMO_RELAY_CLIENT_ID,
      AUTHORITY_HOST: `localhost:${emulator.port}`,
      ALLOWED_ORIGINS: 'http://localhost:5173',
      SMTP_URL: smtpUrl,
      MAIL_FROM: 'Keyward <keyward@contoso.example>',
      ALLOWED_DOMAINS: 'contoso.example',
      DEMO: '1',
      KEYWARD_DATA_DIR: ':memory:',
      MAIL_RATE_PER_MINUTE: '100000',
      SMTP_MAX_CONNECTIONS: String(SMTP_MAX_CONNECTIONS),
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
    });
    child = relay.child;
    const token = await emulator.control.mintAccessToken({
      userId: OPERATOR,
      audience: 'relay',
      scopes: ['Mail.Send'],
    });
    const ada = emulator.tenant.byDisplayName('Ada Admin').id;
    const admin = await emulator.control.mintAccessToken({ userId: ada, audience: 'relay', scopes: ['Mail.Send'] });
    const published = await fetch(`${relay.url}/api/templates/export/${TEMPLATE.id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ expectedVersion: 0, body: TEMPLATE }),
    });
    if (!published.ok) throw new Error(`publishing the bench template failed: ${published.status}`);
    return {
      relayUrl: relay.url,
      relayPid: child.pid!,
      mode: entry.mode,
      smtpUrl,
      token,
      received: sink.received,
      graphLookups: () => graphLookups,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Measures the direct run, then the relay run (sampling the relay's RSS), then one sender. */
async function measure(rig: Rig) {
  const loadBefore = loadavg()[0]!;
  const idleMb = memoryOf(rig.relayPid).rss;
  let cpu0 = ownCpuMs();
  const direct = await directRun(rig.smtpUrl, MESSAGES);
  const directCpu = (ownCpuMs() - cpu0) / (MESSAGES + WARMUP);
  let sampledMb = 0;
  const sampler = setInterval(() => (sampledMb = Math.max(sampledMb, memoryOf(rig.relayPid).rss)), 50);
  await relayRun(rig.relayUrl, rig.token, WARMUP, 0);
  cpu0 = ownCpuMs();
  const relayCpu0 = cpuMsOf(rig.relayPid);
  const relay = await relayRun(rig.relayUrl, rig.token, MESSAGES, WARMUP);
  const senderCpu = (ownCpuMs() - cpu0) / MESSAGES;
  const relayCpu = (cpuMsOf(rig.relayPid) - relayCpu0) / MESSAGES;
  clearInterval(sampler);
  const peakMb = memoryOf(rig.relayPid).hwm;
  // One sender at a time: the relay's own service time, without queueing behind 49 others.
  const serial = await relayRun(rig.relayUrl, rig.token, SERIAL, WARMUP + MESSAGES, 1);
  return { direct, relay, serial, idleMb, sampledMb, peakMb, directCpu, relayCpu, senderCpu, loadBefore };
}

/**
 * Little's law (L = λW): CONCURRENCY senders always in flight at throughput λ wait W = CONCURRENCY / λ on
 * average. The relay answers only once the SMTP server has accepted the message, so λ can never beat
 * nodemailer's own rate, and W is at least CONCURRENCY / direct rate; p99 is above the mean. At 80 % of the
 * direct rate (the throughput target) latencies stretch by 1 / 0.8, so that is the p99 one can ask for.
 */
function littlesLaw(directRate: number, directP99: number): string {
  const floor = (CONCURRENCY / directRate) * 1000;
  const needed = (CONCURRENCY / 0.1).toFixed(0);
  return (
    `Little's law:      ${CONCURRENCY} in flight / ${directRate.toFixed(0)} msg/s direct => mean latency >= ${floor.toFixed(0)} ms for a synchronous relay; ` +
    `even a mean under 100 ms needs > ${needed} msg/s from nodemailer alone, so the reachable target here is p99 <= ${(directP99 / 0.8).toFixed(0)} ms (direct p99 / 0.8)`
  );
}

function report(rig: Rig, m: Awaited<ReturnType<typeof measure>>): void {
  const ms = (xs: number[], p: number) =>
    `${percentile(
      [...xs].sort((a, b) => a - b),
      p,
    ).toFixed(1)} ms`;
  const directRate = (MESSAGES / m.direct.ms) * 1000;
  const relayRate = (MESSAGES / m.relay.ms) * 1000;
  console.log(
    `relay mail: ${MESSAGES} messages, ${CONCURRENCY} concurrent senders, SMTP pool of ${SMTP_MAX_CONNECTIONS} (loopback; relay as ${rig.mode})`,
  );
  console.log(
    `  nodemailer direct: ${directRate.toFixed(0)} messages/s (sendMail latency p50 ${ms(m.direct.latencies, 50)}, p99 ${ms(m.direct.latencies, 99)})`,
  );
  console.log(
    `  through the relay: ${relayRate.toFixed(0)} messages/s (ratio ${(relayRate / directRate).toFixed(2)}, target >= 0.8)`,
  );
  console.log(
    `  relay latency:     p50 ${ms(m.relay.latencies, 50)}, p99 ${ms(m.relay.latencies, 99)} (target p99 < 100 ms)`,
  );
  console.log(
    `  ${littlesLaw(
      directRate,
      percentile(
        [...m.direct.latencies].sort((a, b) => a - b),
        99,
      ),
    )}`,
  );
  console.log(
    `  one sender:        p50 ${ms(m.serial.latencies, 50)}, p99 ${ms(m.serial.latencies, 99)} over ${SERIAL} messages`,
  );
  console.log(
    `  relay memory:      peak RSS ${m.peakMb.toFixed(1)} MB (VmHWM; idle ${m.idleMb.toFixed(1)} MB, sampled max ${m.sampledMb.toFixed(1)} MB; target < 150 MB)`,
  );
  console.log(
    `  CPU per message:   direct ${m.directCpu.toFixed(2)} ms (sender + sink); relay ${m.relayCpu.toFixed(2)} ms in the relay + ${m.senderCpu.toFixed(2)} ms in sender + sink`,
  );
  console.log(
    `  (machine: ${cpus().length} CPUs, load average ${m.loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after: rates are only comparable within one run)`,
  );
  console.log(
    `  SMTP sink received ${rig.received()} messages; the relay made ${rig.graphLookups()} Graph user lookups`,
  );
}

/** Prints the relay mail figures (see the module comment). Rejects if the run fails or overruns. */
export async function benchRelayMail(): Promise<void> {
  const rig = await startRig();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`relay mail bench exceeded ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  try {
    report(rig, await Promise.race([measure(rig), deadline]));
  } finally {
    clearTimeout(timer);
    await rig.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchRelayMail();
}
