/**
 * The relay store's figures, on the embedded PGlite and on a private PostgreSQL cluster (initdb +
 * pg_ctl, fsync on, as a real server would run): audit appends per second and each append's latency
 * with 50 operators appending at once through the group-committing writer (relay/audit/writer.ts), and
 * the time to verify the whole chain. Target: at least 1,000
 * appends per second.
 *
 * Run alone with `node --import tsx bench/relay-store.ts`; `npm run bench` runs it with the others.
 */
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { verifyAuditChain, type AuditEntry } from '../relay/audit/chain';
import { createAuditWriter } from '../relay/audit/writer';
import { openDatabase, type RelayDatabase } from '../relay/db/connect';
import { migrate } from '../relay/db/migrations';
import { startPrivatePostgres } from '../test/support/private-postgres';

const OPERATORS = 50;
const APPENDS_PER_OPERATOR = 40;
const TARGET_APPENDS_PER_SECOND = 1000;

const entry = (operator: number, n: number): AuditEntry => ({
  actorOid: `oid-operator-${operator}`,
  actorName: `Operator ${operator}`,
  action: 'card.issue',
  targetType: 'card',
  targetId: `serial:${operator}-${n}`,
  targetLabel: `YubiKey for holder ${operator}-${n}`,
  outcome: 'succeeded',
  reason: '',
});

const ms = (v: number) => `${v.toFixed(2).padStart(7)} ms`;

/** 50 operators, each appending its entries one after another; returns the figures. */
async function measureAppends(database: RelayDatabase) {
  const writer = createAuditWriter(database.db);
  for (let n = 0; n < OPERATORS; n++) await writer.append(entry(-1, n)); // warm-up
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: OPERATORS }, async (_, operator) => {
      for (let n = 0; n < APPENDS_PER_OPERATOR; n++) {
        const t = performance.now();
        await writer.append(entry(operator, n));
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const verifyStart = performance.now();
  const verdict = await verifyAuditChain(database.db);
  return {
    perSecond: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    verifyMs: performance.now() - verifyStart,
    rows: verdict.rows,
    ok: verdict.ok,
  };
}

function report(label: string, figures: Awaited<ReturnType<typeof measureAppends>>): void {
  const verdict = figures.perSecond >= TARGET_APPENDS_PER_SECOND ? 'meets' : 'MISSES';
  console.log(
    `  ${label.padEnd(34)} ${figures.perSecond.toFixed(0).padStart(6)} appends/s (${verdict} ${TARGET_APPENDS_PER_SECOND}/s)` +
      `  append p50 ${ms(figures.p50)}  p99 ${ms(figures.p99)}  verify ${figures.rows} rows ${ms(figures.verifyMs)}` +
      (figures.ok ? '' : '  CHAIN BROKEN'),
  );
}

/** Prints the store figures for PGlite and PostgreSQL. */
export async function benchRelayStore(): Promise<void> {
  console.log(
    `\nRelay store: audit appends with ${OPERATORS} operators at once (${OPERATORS * APPENDS_PER_OPERATOR} appends), Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const pglite = openDatabase({ dataDir: ':memory:' });
  try {
    await migrate(pglite.db);
    report('PGlite (in memory)', await measureAppends(pglite));
  } finally {
    await pglite.close();
  }
  const cluster = await startPrivatePostgres({ durable: true });
  const postgres = openDatabase({ databaseUrl: await cluster.createDatabase(), poolSize: 10 });
  try {
    await migrate(postgres.db);
    report('PostgreSQL (loopback, pool of 10)', await measureAppends(postgres));
  } finally {
    await postgres.close();
    await cluster.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchRelayStore();
}
