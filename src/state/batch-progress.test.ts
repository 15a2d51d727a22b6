import { describe, expect, it } from 'vitest';
import type { Batch } from '../workflows/batch-tap/operator-batch';
import { batchProgress } from './batch-progress';

const batch = (counts: Partial<Batch['counts']>, state: Batch['state'] = 'running'): Batch => ({
  batchId: 'b',
  source: { kind: 'group', id: 'g', label: 'Onboarding wave 1' },
  templateId: 't',
  state,
  createdBy: { oid: 'o', name: 'Aisha' },
  createdAt: '2026-12-05T09:00:00.000Z',
  updatedAt: '2026-12-05T09:00:00.000Z',
  counts: { pending: 0, creating: 0, created: 0, failed: 0, skipped: 0, delivered: 0, ...counts },
});

describe('the Batch TAP progress bar', () => {
  it('counts done, skipped, failed and remaining, with the time left at the pace kept so far', () => {
    const p = batchProgress(
      batch({ pending: 30, creating: 10, created: 15, failed: 1, skipped: 4 }),
      { at: 0, settled: 6 },
      5_000,
      19,
    );
    expect(p).toEqual({
      total: 60,
      done: 15,
      skipped: 4,
      failed: 1,
      remaining: 40,
      fraction: 20 / 60,
      secondsLeft: 20,
    });
  });

  it("uses the write budget's pace before anything settled, and says no time left when done or cancelled", () => {
    expect(batchProgress(batch({ pending: 38 }), { at: 0, settled: 0 }, 1_000, 19).secondsLeft).toBe(2);
    expect(batchProgress(batch({ created: 5, skipped: 1 }, 'finished'), null, 0, 19)).toMatchObject({
      remaining: 0,
      fraction: 1,
      secondsLeft: null,
    });
    expect(batchProgress(batch({ pending: 5 }, 'cancelled'), null, 0, 19).secondsLeft).toBeNull();
  });
});
