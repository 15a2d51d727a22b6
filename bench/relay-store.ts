/**
 * The relay store's figures, on the embedded PGlite and on a private PostgreSQL cluster (initdb +
 * pg_ctl, fsync on, as a real server would run): audit appends per second and each append's latency
 * with 50 operators appending at once through the group-committing writer (relay/audit/writer.ts), and
 * the time to verify the whole chain; then card transitions (compare-and-set with their event
 * and audit row in one transaction) and registry reads, p50 and p99, with 50 operators each driving
 * their own card, first flat out, then paced (each operator pausing between operations, as people do).
 * Targets: at least 1,000 appends per second; transition p99 under 20 ms on PostgreSQL.
 *
 * A transition is one statement, one round trip (relay/cards/transition-statement.ts): the compare-and-set,
 * its card event and its audit row, written pending and linked into the chain after the commit, in
 * batches (relay/audit/chain.ts), so it holds no lock on the chain. It must wait for its commit to reach
 * the disk (fsync on), which an empty transaction, writing nothing, does not. Flat out, an operation's
 * latency is 50 / throughput: it measures queueing on the machine's cores more than the store. The "floor" line times 50 operators running empty transactions (begin,
 * `select 1`, commit) on the same pool, the least any transaction can cost on the machine at hand.
 *
 * Run alone with `node --import tsx bench/relay-store.ts`; `npm run bench` runs it with the others.
 */
import { availableParallelism, loadavg } from 'node:os';
import { sql } from 'kysely';
import { pathToFileURL } from 'node:url';
import { type AuditEntry } from '../relay/audit/chain';
import { verifyAuditChain } from '../relay/audit/verify';
import { createAuditWriter } from '../relay/audit/writer';
import { openDatabase, type RelayDatabase } from '../relay/db/connect';
import { migrate } from '../relay/db/migrations';
import { getCard, transitionCard } from '../relay/cards/registry';
import { publishTemplate } from '../relay/templates/store';
import type { CardTransition } from '../src/relay-api/contract';
import { startPrivatePostgres } from '../test/support/private-postgres';

const OPERATORS = 50;
const APPENDS_PER_OPERATOR = 40;
const TARGET_APPENDS_PER_SECOND = 1000;
const TRANSITIONS_PER_OPERATOR = 24;
const TARGET_TRANSITION_P99_MS = 20;
// The paced run: each operator pauses this long between a transition and its next read (200 a second in all).
const PAUSE_MS = 250;
// One lap of a card's life: each operator drives its own card round it.
const LAP: readonly CardTransition[] = ['issue', 'activate', 'retire'];

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
  const verifyStart = performance.now();
  const verdict = await verifyAuditChain(database.db);
  return {
    perSecond: latencies.length / seconds,
    ...percentiles(latencies),
    verifyMs: performance.now() - verifyStart,
    rows: verdict.rows,
    ok: verdict.ok,
  };
}

/** Percentiles of a series in milliseconds. */
function percentiles(series: number[]) {
  series.sort((a, b) => a - b);
  const at = (q: number) => series[Math.min(series.length - 1, Math.floor(q * series.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * 50 operators at once, each moving its own card through issue, activate, retire, and reading it before
 * each transition; flat out (`pauseMs` 0), or pausing `pauseMs` between one transition and the next read,
 * as people at a helpdesk do (starts staggered over one pause).
 */
async function measureTransitions(database: RelayDatabase, pauseMs = 0) {
  const transitions: number[] = [];
  const reads: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: OPERATORS }, async (_, operator) => {
      const actor = { oid: `oid-operator-${operator}`, name: `Operator ${operator}` };
      const cardId = `yk:${pauseMs}:${operator}`;
      await sleep((pauseMs * operator) / OPERATORS);
      for (let n = 0; n < TRANSITIONS_PER_OPERATOR; n++) {
        if (n > 0 && pauseMs > 0) await sleep(pauseMs);
        let t = performance.now();
        const card = await getCard(database.db, cardId);
        reads.push(performance.now() - t);
        t = performance.now();
        await transitionCard(
          database.db,
          {
            cardId,
            transition: LAP[n % LAP.length]!,
            expectedVersion: card?.version ?? 0,
            issue: {
              holderOid: `oid-holder-${operator}`,
              holderName: `Holder ${operator}`,
              holderUpn: `holder${operator}@contoso.example`,
              templateId: 'tpl-standard',
              templateVersion: 1,
              credentialType: 'yubikey',
              serial: 10_000_000 + operator,
              chuidGuid: '',
              keys: [],
            },
          },
          actor,
        );
        transitions.push(performance.now() - t);
      }
    }),
  );
  const perSecond = transitions.length / ((performance.now() - started) / 1000);
  return { transition: percentiles(transitions), read: percentiles(reads), perSecond };
}

/** 50 operators at once, each running empty transactions one after another. */
async function measureFloor(database: RelayDatabase) {
  const series: number[] = [];
  await Promise.all(
    Array.from({ length: OPERATORS }, async () => {
      for (let n = 0; n < TRANSITIONS_PER_OPERATOR; n++) {
        const t = performance.now();
        await database.db.transaction().execute((tx) => sql`select 1`.execute(tx));
        series.push(performance.now() - t);
      }
    }),
  );
  const { p50, p99 } = percentiles(series);
  return `  ${''.padEnd(34)} floor: empty transaction p50 ${ms(p50)}  p99 ${ms(p99)}`;
}

function reportTransitions(label: string, figures: Awaited<ReturnType<typeof measureTransitions>>): void {
  const verdict = figures.transition.p99 < TARGET_TRANSITION_P99_MS ? 'meets' : 'MISSES';
  console.log(
    `  ${label.padEnd(34)} transition p50 ${ms(figures.transition.p50)}  p99 ${ms(figures.transition.p99)} (${verdict} p99 < ${TARGET_TRANSITION_P99_MS} ms)` +
      `  ${figures.perSecond.toFixed(0)}/s   registry read p50 ${ms(figures.read.p50)}  p99 ${ms(figures.read.p99)}`,
  );
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
    `\nRelay store: ${OPERATORS} operators at once (${OPERATORS * APPENDS_PER_OPERATOR} audit appends, ${OPERATORS * TRANSITIONS_PER_OPERATOR} card transitions), Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const pglite = openDatabase({ dataDir: ':memory:' });
  await benchStore('PGlite (in memory)', pglite, () => pglite.close());
  const cluster = await startPrivatePostgres({ durable: true }).catch((e: unknown) => {
    // Without Debian's postgresql (scripts/install-test-deps.sh) the PGlite figures still stand.
    console.log(`  PostgreSQL skipped: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  });
  if (!cluster) return;
  const postgres = openDatabase({ databaseUrl: await cluster.createDatabase(), poolSize: 10 });
  await benchStore('PostgreSQL (loopback, pool of 10)', postgres, async () => {
    await postgres.close();
    await cluster.stop();
  });
}

/** Migrates `store`, prints its append and transition figures under `label`, then runs `close`. */
async function benchStore(label: string, store: RelayDatabase, close: () => Promise<void>): Promise<void> {
  try {
    await migrate(store.db);
    report(label, await measureAppends(store));
    // Cards are issued only under a published template.
    const template = { kind: 'card', id: 'tpl-standard', expectedVersion: 0 } as const;
    await publishTemplate(store.db, template, { name: 'Standard' }, { oid: 'oid-admin', name: 'Administrator' });
    reportTransitions(label, await measureTransitions(store));
    reportTransitions(`  paced: each 1 per ${PAUSE_MS} ms`, await measureTransitions(store, PAUSE_MS));
    console.log(await measureFloor(store));
  } finally {
    await close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchRelayStore();
}
