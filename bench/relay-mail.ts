/**
 * Relay mail throughput, latency and memory, next to nodemailer sending directly. Loopback only.
 *
 * Setup: the Entra emulator (https, throwaway CA) for tokens and Graph, and an SMTP sink (smtp-server
 * that accepts and discards) in this process; the relay in a child process, configured by environment
 * as in production (NODE_EXTRA_CA_CERTS trusts the CA). The child runs relay/server.ts bundled by
 * esbuild and plain `node`, as a deployment would, its V8 heap capped (relay-child.ts). The senders and
 * the sink: mail-senders.ts.
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
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_RELAY_CLIENT_ID, DEMO_TENANT_ID } from '../demo/entra-emulator/index';
import { startTestEntra } from '../test/support/test-entra';
import { createLocalTls } from '../demo/local-tls';
import { directRun, relayRun, startSink, type RelayTarget } from './mail-senders';
import { cpuMsOf, memoryOf, relayEntry, startRelayChild } from './relay-child';
import { printReport, type Measured } from './relay-mail-report';

const MESSAGES = 2000;
const CONCURRENCY = 50;
const SMTP_MAX_CONNECTIONS = 10;
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

/** The relay run's request bodies: the same pass, addressed to each target in turn. */
const BODIES = TARGETS.map((targetUserId) => JSON.stringify({ ...REQUEST, targetUserId }));

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

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
async function measure(rig: Rig): Promise<Measured> {
  const relayAt: RelayTarget = { url: rig.relayUrl, token: rig.token, bodies: BODIES };
  const loadBefore = loadavg()[0]!;
  const idleMb = memoryOf(rig.relayPid).rss;
  let cpu0 = ownCpuMs();
  const direct = await directRun(rig.smtpUrl, MESSAGES, {
    warmup: WARMUP,
    concurrency: CONCURRENCY,
    maxConnections: SMTP_MAX_CONNECTIONS,
  });
  const directCpu = (ownCpuMs() - cpu0) / (MESSAGES + WARMUP);
  let sampledMb = 0;
  const sampler = setInterval(() => (sampledMb = Math.max(sampledMb, memoryOf(rig.relayPid).rss)), 50);
  await relayRun(relayAt, WARMUP, 0, CONCURRENCY);
  cpu0 = ownCpuMs();
  const relayCpu0 = cpuMsOf(rig.relayPid);
  const relay = await relayRun(relayAt, MESSAGES, WARMUP, CONCURRENCY);
  const senderCpu = (ownCpuMs() - cpu0) / MESSAGES;
  const relayCpu = (cpuMsOf(rig.relayPid) - relayCpu0) / MESSAGES;
  clearInterval(sampler);
  const peakMb = memoryOf(rig.relayPid).hwm;
  // One sender at a time: the relay's own service time, without queueing behind 49 others.
  const serial = await relayRun(relayAt, SERIAL, WARMUP + MESSAGES, 1);
  return { direct, relay, serial, idleMb, sampledMb, peakMb, directCpu, relayCpu, senderCpu, loadBefore };
}

/** Prints the relay mail figures (see the module comment). Rejects if the run fails or overruns. */
export async function benchRelayMail(): Promise<void> {
  const rig = await startRig();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`relay mail bench exceeded ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  try {
    const measured = await Promise.race([measure(rig), deadline]);
    printReport(
      {
        messages: MESSAGES,
        concurrency: CONCURRENCY,
        smtpPool: SMTP_MAX_CONNECTIONS,
        serialMessages: SERIAL,
        relayMode: rig.mode,
        received: rig.received(),
        graphLookups: rig.graphLookups(),
      },
      measured,
    );
  } finally {
    clearTimeout(timer);
    await rig.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchRelayMail();
}
