/**
 * Batch TAP pacing: 2,000 users' passes created through the executor (src/workflows/batch-tap) against
 * the Entra emulator's Graph app (its real `$batch`, pass rules and identity write quota, in this
 * process on the real clock, so the figure is the executor's pacing rather than TLS), with the quota
 * scaled down to QUOTA (Graph's is 3,000 writes per 150 s per app and tenant; the shape is the same).
 *
 * Prints the achieved write rate as a share of the quota's allowed rate (target ≥ 0.9, and the budget
 * keeps it below 1), how many writes the quota refused (the budget should keep that at 0), and the
 * lost (no outcome, or no pass in the emulator) and duplicated (more than one create for a user) counts
 * (target 0 and 0).
 *
 * The budget counts a write until Graph answered it (Graph may count it any time before), so each write
 * holds its place for the window plus the answer's latency L: the ratio cannot exceed 0.95·W/(W+L). At
 * the default 500 per 10 s that is near 0.95; at BATCH_TAP_QUOTA_LIMIT=100 BATCH_TAP_QUOTA_WINDOW_MS=2000
 * it depends on how busy the machine is (L of 20 in-process creates: about 0.05–0.15 s).
 */
import { inProcessGraph } from '../test/support/in-process-graph';
import { sendBatch } from '../src/entra/graph-batch';
import { runBatch, type ItemOutcome } from '../src/workflows/batch-tap/executor';
import { systemClock, WriteBudget } from '../src/workflows/batch-tap/write-budget';

const USERS = 2_000;
const QUOTA = {
  limit: Number(process.env.BATCH_TAP_QUOTA_LIMIT ?? 500),
  windowMs: Number(process.env.BATCH_TAP_QUOTA_WINDOW_MS ?? 10_000),
};

/** Runs the pacing benchmark and prints its figures. */
export async function benchBatchTap(): Promise<void> {
  const g = await inProcessGraph(QUOTA, { clock: systemClock, loadMembers: USERS });
  const graph = g.transport('Aisha Operator');
  const targets = g.tenant.users
    .filter((u) => u.displayName.startsWith('Load '))
    .map((u) => ({ userId: u.id, request: { lifetimeInMinutes: 120 } }));
  const outcomes: ItemOutcome[] = [];
  let emails = 0;
  let batches = 0;
  // Warm up what is paid once (JIT, the token's key import, Hono's routers) before the clock starts.
  await sendBatch(graph, [
    { id: '0', method: 'GET', url: `/users/${targets[0]!.userId}/authentication/temporaryAccessPassMethods` },
  ]);
  const start = performance.now();
  await runBatch(
    {
      send: (requests) => {
        batches += 1;
        return sendBatch(graph, requests);
      },
      budget: new WriteBudget(QUOTA, systemClock),
      clock: systemClock,
      journal: {
        attempting: async (ids) => ids,
        release: async () => {},
        record: async (o) => void outcomes.push(...o),
      },
      deliver: async () => {
        emails += 1;
        return { delivered: true, error: null };
      },
    },
    targets,
  );
  const seconds = (performance.now() - start) / 1000;
  const created = outcomes.filter((o) => o.status === 'created').length;
  const settled = new Set(outcomes.map((o) => o.userId));
  const lost = targets.filter((t) => !settled.has(t.userId) || !g.taps.get(t.userId)).length;
  const perUser = new Map<string, number>();
  for (const id of g.creates) perUser.set(id, (perUser.get(id) ?? 0) + 1);
  const duplicated = [...perUser.values()].filter((n) => n > 1).length;
  const allowed = QUOTA.limit / (QUOTA.windowMs / 1000);
  const achieved = created / seconds;
  const quota = g.quota.stats();
  console.log('\nBatch TAP pacing (executor → emulator Graph $batch, quota scaled down)');
  console.log(`  users                 ${USERS}, quota ${QUOTA.limit} writes per ${QUOTA.windowMs} ms (${allowed}/s)`);
  console.log(
    `  created               ${created} in ${seconds.toFixed(1)} s over ${batches} $batch requests; ${emails} deliveries`,
  );
  console.log(
    `  achieved write rate   ${achieved.toFixed(1)}/s = ${(achieved / allowed).toFixed(3)} of the quota's rate (target ≥ 0.9)`,
  );
  console.log(`  refused by the quota  ${quota.refused} (accepted ${quota.accepted})`);
  console.log(`  lost / duplicated     ${lost} / ${duplicated} (target 0 / 0)`);
}
