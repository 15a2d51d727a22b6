/**
 * The progress bar of a Batch TAP: how many users got a pass, were skipped, failed or remain, and the time
 * left, from the pace this page has kept since it started sending (or, before any user settled, the
 * pace of the write budget).
 */
import type { Batch } from '../workflows/batch-tap/operator-batch';

/** What the bar shows. */
export interface BatchProgress {
  readonly total: number;
  /** Users whose pass was created. */
  readonly done: number;
  readonly skipped: number;
  readonly failed: number;
  /** Users not yet settled (not sent, or sent and not yet confirmed). */
  readonly remaining: number;
  /** Share of users settled, 0..1. */
  readonly fraction: number;
  /** Seconds left, null when nothing remains or no pace is known. */
  readonly secondsLeft: number | null;
}

/** The progress of `batch`; `since` is when this page started sending and how many were settled then. */
export function batchProgress(
  batch: Batch,
  since: { at: number; settled: number } | null,
  now: number,
  budgetPerSecond: number,
): BatchProgress {
  const c = batch.counts;
  const remaining = c.pending + c.creating;
  const total = remaining + c.created + c.failed + c.skipped;
  const settled = c.created + c.failed;
  let perSecond = budgetPerSecond;
  if (since && settled > since.settled && now > since.at)
    perSecond = ((settled - since.settled) * 1000) / (now - since.at);
  const running = batch.state === 'running' || batch.state === 'paused';
  return {
    total,
    done: c.created,
    skipped: c.skipped,
    failed: c.failed,
    remaining,
    fraction: total === 0 ? 1 : (total - remaining) / total,
    secondsLeft: remaining > 0 && running && perSecond > 0 ? Math.ceil(remaining / perSecond) : null,
  };
}
