/**
 * The Batch TAP executor against the Entra emulator's Graph app in-process on a fake clock: the real
 * `$batch`, write quota, throttling and pass rules, with time advanced by the executor's own sleeps.
 */
import { describe, expect, it } from 'vitest';
import { inProcessGraph, type InProcessGraph } from '../../../test/support/in-process-graph';
import { AppError } from '../../app-error';
import { sendBatch } from '../../entra/graph-batch';
import type { TemporaryAccessPass } from '../../entra/tap';
import { runBatch, type BatchTarget, type ExecutorPorts, type ItemOutcome } from './executor';
import { CODE_LOST, NOT_CREATED } from './resolve-unknown';
import { WriteBudget, type WriteQuota } from './write-budget';

const QUOTA: WriteQuota = { limit: 20, windowMs: 10_000 };

function starters(g: InProcessGraph, n: number): BatchTarget[] {
  return g.tenant.users
    .filter((u) => u.jobTitle === 'New starter' && u.mail)
    .slice(0, n)
    .map((u) => ({ userId: u.id, request: { lifetimeInMinutes: 120 } }));
}

interface Harness {
  ports: ExecutorPorts;
  outcomes: ItemOutcome[];
  journal: string[];
  delivered: Map<string, string>;
}

function harness(g: InProcessGraph, overrides: Partial<ExecutorPorts> = {}): Harness {
  const graph = g.transport('Aisha Operator');
  const outcomes: ItemOutcome[] = [];
  const journal: string[] = [];
  const delivered = new Map<string, string>();
  const ports: ExecutorPorts = {
    send: (requests) => sendBatch(graph, requests),
    clock: g.clock,
    budget: new WriteBudget(QUOTA, g.clock),
    journal: {
      attempting: async (ids) => {
        journal.push(...ids.map((id) => `attempt ${id}`));
        return ids;
      },
      release: async (ids) => void journal.push(...ids.map((id) => `release ${id}`)),
      record: async (o) => void outcomes.push(...o),
    },
    deliver: async (target, tap: TemporaryAccessPass) => {
      expect(delivered.has(target.userId)).toBe(false);
      delivered.set(target.userId, tap.temporaryAccessPass!);
      return { delivered: true, error: null };
    },
    ...overrides,
  };
  return { ports, outcomes, journal, delivered };
}

const duplicates = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);

describe('runBatch', () => {
  it('creates every pass once, stays under the write quota and paces itself near it', async () => {
    const g = await inProcessGraph(QUOTA);
    const h = harness(g);
    const targets = starters(g, 50);
    const start = g.clock.now();
    const result = await runBatch(h.ports, targets);
    expect(result.state).toBe('finished');
    expect(h.outcomes).toHaveLength(50);
    expect(h.outcomes.every((o) => o.status === 'created' && o.delivered)).toBe(true);
    expect(g.quota.stats()).toEqual({ accepted: 50, refused: 0 });
    expect(duplicates(g.creates)).toEqual([]);
    for (const t of targets) expect(h.delivered.get(t.userId)).toBe(g.taps.get(t.userId)!.temporaryAccessPass);
    // Graph is asked for user-initiated priority on every batch and every item in it.
    expect(g.batches.reduce((n, b) => n + b.size, 0)).toBe(50);
    expect(g.batches.every((b) => b.priority === 'high' && b.prioritised === b.size)).toBe(true);
    // 50 writes with a burst of 1 at 93% of 2 writes/s: about 26 s; never faster than the quota allows.
    const seconds = (g.clock.now() - start) / 1000;
    expect(seconds).toBeGreaterThan((50 - QUOTA.limit) / 2);
    expect(50 / seconds / 2).toBeGreaterThan(0.9);
  });

  it('keeps sending while the emails of answered batches are still on their way', async () => {
    const g = await inProcessGraph({ limit: 100, windowMs: 10_000 });
    const graph = g.transport('Aisha Operator');
    let sends = 0;
    let release!: () => void;
    const mailGate = new Promise<void>((resolve) => (release = resolve));
    const h = harness(g, {
      budget: new WriteBudget({ limit: 100, windowMs: 10_000 }, g.clock),
      send: (requests) => {
        sends += 1;
        // The third batch goes out although no email of the first two has gone yet.
        if (sends === 3) release();
        return sendBatch(graph, requests);
      },
      deliver: async () => {
        await mailGate;
        return { delivered: true, error: null };
      },
    });
    const result = await runBatch(h.ports, starters(g, 50));
    expect(result.state).toBe('finished');
    expect(sends).toBe(3);
    expect(h.outcomes).toHaveLength(50);
    expect(h.outcomes.every((o) => o.status === 'created' && o.delivered)).toBe(true);
    expect(duplicates(g.creates)).toEqual([]);
  });

  it('honours per-item 429s and a whole-batch 429 with Retry-After, sending nothing twice', async () => {
    const g = await inProcessGraph({ limit: 100, windowMs: 10_000 });
    const h = harness(g, { budget: new WriteBudget({ limit: 100, windowMs: 10_000 }, g.clock) });
    g.throttle.injectItems(3, 4);
    const t0 = g.clock.now();
    const targets = starters(g, 12);
    const result = await runBatch(h.ports, targets);
    expect(result.state).toBe('finished');
    expect(g.clock.now() - t0).toBeGreaterThanOrEqual(4000);
    expect(h.journal.filter((l) => l.startsWith('release'))).toHaveLength(3);
    expect(h.outcomes.filter((o) => o.status === 'created')).toHaveLength(12);
    expect(duplicates(g.creates)).toEqual([]);

    g.throttle.inject(1, 7);
    const t1 = g.clock.now();
    const more = g.tenant.users.filter((u) => u.jobTitle === 'New starter').slice(12, 15);
    await runBatch(
      h.ports,
      more.map((u) => ({ userId: u.id, request: {} })),
    );
    expect(g.clock.now() - t1).toBeGreaterThanOrEqual(7000);
    expect(h.outcomes).toHaveLength(15);
    expect(duplicates(g.creates)).toEqual([]);
  });

  it('resolves a create that landed and timed out by reading, and never creates it again', async () => {
    const g = await inProcessGraph(QUOTA);
    const h = harness(g);
    const targets = starters(g, 5);
    g.faults.timeoutAfterCreate(targets[2]!.userId);
    await runBatch(h.ports, targets);
    const lost = h.outcomes.find((o) => o.userId === targets[2]!.userId)!;
    expect(lost).toMatchObject({ status: 'created', delivered: false, error: CODE_LOST });
    expect(lost.status === 'created' && lost.passId).toBe(g.taps.get(targets[2]!.userId)!.id);
    expect(h.delivered.has(targets[2]!.userId)).toBe(false);
    expect(g.creates.filter((id) => id === targets[2]!.userId)).toHaveLength(1);
    expect(h.delivered.size).toBe(4);
  });

  it('treats a batch whose answer was lost as unknown: every item is read, none sent again', async () => {
    const g = await inProcessGraph(QUOTA);
    const graph = g.transport('Aisha Operator');
    const h = harness(g, {
      send: async (requests) => {
        const answers = await sendBatch(graph, requests);
        if (requests[0]!.method === 'POST')
          throw new AppError('entra', 'GRAPH_OFFLINE', 'Microsoft Graph could not be reached (timeout).', {
            method: 'POST',
          });
        return answers;
      },
    });
    const targets = starters(g, 3);
    await runBatch(h.ports, targets);
    expect(h.outcomes.map((o) => o.status)).toEqual(['created', 'created', 'created']);
    expect(h.outcomes.every((o) => o.status === 'created' && !o.delivered)).toBe(true);
    expect(g.creates).toHaveLength(3);
  });

  it('resumes: an in-flight create that landed is found, one that did not is reported, neither re-sent', async () => {
    const g = await inProcessGraph(QUOTA);
    const h = harness(g);
    const [landed, missing, fresh] = starters(g, 3) as [BatchTarget, BatchTarget, BatchTarget];
    const attemptAt = new Date(g.clock.now()).toISOString();
    g.clock.time += 2000;
    g.taps.create(landed.userId, {});
    await runBatch(
      h.ports,
      [fresh],
      [
        { target: landed, attemptAt },
        { target: missing, attemptAt },
      ],
    );
    expect(h.outcomes.find((o) => o.userId === landed.userId)).toMatchObject({ status: 'created', error: CODE_LOST });
    expect(h.outcomes.find((o) => o.userId === missing.userId)).toMatchObject({ status: 'failed', error: NOT_CREATED });
    expect(h.outcomes.find((o) => o.userId === fresh.userId)).toMatchObject({ status: 'created', delivered: true });
    expect(g.taps.get(missing.userId)).toBeUndefined();
  });

  it('sends nothing more when a cancel comes while it waits out a Retry-After', async () => {
    const g = await inProcessGraph({ limit: 100, windowMs: 10_000 });
    const graph = g.transport('Aisha Operator');
    const start = g.clock.now();
    let sends = 0;
    const h = harness(g, {
      budget: new WriteBudget({ limit: 100, windowMs: 10_000 }, g.clock),
      send: (requests) => {
        sends += 1;
        return sendBatch(graph, requests);
      },
      control: () => (g.clock.now() >= start + 1_000 ? 'cancel' : 'run'),
    });
    g.throttle.injectItems(3, 5);
    const result = await runBatch(h.ports, starters(g, 3));
    expect(result.state).toBe('cancelled');
    expect(sends).toBe(1);
    expect(result.remaining).toHaveLength(3);
    expect(g.creates).toEqual([]);
  });

  it('reports Graph refusals in words, and pauses between batches', async () => {
    const g = await inProcessGraph(QUOTA);
    const h = harness(g, { control: () => (h.outcomes.length >= 1 ? 'pause' : 'run') });
    const guest = g.tenant.byDisplayName('Gary Guest').id;
    const result = await runBatch(h.ports, [{ userId: guest, request: {} }, ...starters(g, 3)]);
    expect(h.outcomes[0]).toMatchObject({ status: 'failed' });
    expect(h.outcomes[0]!.error).toContain('guest');
    expect(result.state).toBe('paused');
    expect(result.remaining.length + h.outcomes.length).toBe(4);
  });
});

describe('WriteBudget', () => {
  it('never counts fewer writes than Graph would, and sustains 95% of the quota', async () => {
    const g = await inProcessGraph(QUOTA);
    const budget = new WriteBudget({ limit: 100, windowMs: 2000 }, g.clock);
    const arrived: number[] = [];
    while (arrived.length < 1000) {
      const n = await budget.acquire(20);
      // Each batch takes 40 ms to answer; Graph counts its writes on arrival, 10 ms after sending.
      const sent = g.clock.now();
      await g.clock.sleep(40);
      for (let i = 0; i < n; i++) arrived.push(sent + 10);
      budget.answered(n);
    }
    for (const t of arrived) expect(arrived.filter((a) => a > t - 2000 && a <= t).length).toBeLessThanOrEqual(95);
    const perWindow = arrived.length / ((arrived.at(-1)! - arrived[0]!) / 2000);
    expect(perWindow / 100).toBeGreaterThan(0.9);
    expect(perWindow / 100).toBeLessThan(1);
  });

  it('holds every write until a Retry-After has passed', async () => {
    const g = await inProcessGraph(QUOTA);
    const budget = new WriteBudget({ limit: 100, windowMs: 2000 }, g.clock);
    budget.hold(3);
    const t0 = g.clock.now();
    expect(await budget.acquire(20)).toBe(20);
    expect(g.clock.now() - t0).toBe(3000);
  });
});
