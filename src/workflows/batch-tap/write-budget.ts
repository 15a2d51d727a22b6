/**
 * The write budget of a Batch TAP run: it keeps the run's pass creates under Graph's identity write quota
 * instead of running into it ("Microsoft Graph service-specific throttling limits", identity and access:
 * 3,000 writes per 2 minutes 30 seconds per app and tenant).
 *
 * Graph counts writes in a sliding window, and so does the budget, allowing `fraction` of the quota (95%
 * by default) in any window. Graph counts a write when it arrives, somewhere between its sending and its
 * answer, so the budget counts a write as "now" while it is in flight and from its answer once answered:
 * every write Graph still counts, the budget counts too, however the network or the browser stalls. A
 * token bucket with a burst small enough to stay under the quota would instead lose its tokens whenever
 * the sender stalls for longer than the burst lasts. When Graph answers 429 anyway (the quota is per app,
 * so other operators' writes count too), nothing is sent until the `Retry-After` has passed.
 */

/** Time as the executor sees it; tests pass a fake one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A write quota: at most `limit` writes in any `windowMs`. */
export interface WriteQuota {
  readonly limit: number;
  readonly windowMs: number;
}

/** Graph's documented identity write quota per app and tenant. */
export const GRAPH_IDENTITY_WRITE_QUOTA: WriteQuota = { limit: 3_000, windowMs: 150_000 };

/** How close to the quota the budget runs. */
export interface BudgetShape {
  /** Share of the quota's writes allowed per window (default 0.95). */
  readonly fraction?: number;
}

/** A sliding-window write budget over a {@link Clock}. */
export class WriteBudget {
  /** Writes allowed per window. */
  readonly allowance: number;
  /** Answer times of the writes in the current window, oldest first; in-flight writes count as Infinity. */
  private readonly writes: number[] = [];
  private heldUntil = 0;

  constructor(
    private readonly quota: WriteQuota,
    private readonly clock: Clock,
    shape: BudgetShape = {},
  ) {
    this.allowance = Math.max(1, Math.floor(quota.limit * (shape.fraction ?? 0.95)));
  }

  /** Writes per second the budget sustains (for an estimated time left). */
  get writesPerSecond(): number {
    return (this.allowance * 1000) / this.quota.windowMs;
  }

  /** Waits until at least one write may go, then takes up to `max` (in flight) and returns how many. */
  async acquire(max: number): Promise<number> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.heldUntil) {
        await this.clock.sleep(this.heldUntil - now);
        continue;
      }
      while (this.writes.length && this.writes[0]! <= now - this.quota.windowMs) this.writes.shift();
      const free = this.allowance - this.writes.length;
      if (free >= 1) {
        const taken = Math.min(max, free);
        for (let i = 0; i < taken; i++) this.writes.push(Infinity);
        return taken;
      }
      const oldest = this.writes[0]!;
      // Everything counted is in flight: wait a little for answers.
      await this.clock.sleep(oldest === Infinity ? 10 : oldest + this.quota.windowMs - now + 1);
    }
  }

  /** `count` writes in flight were answered now (whatever the answer: Graph may have counted them). */
  answered(count: number): void {
    const now = this.clock.now();
    let left = count;
    for (let i = 0; i < this.writes.length && left > 0; i++) {
      if (this.writes[i] === Infinity) {
        this.writes[i] = now;
        left -= 1;
      }
    }
  }

  /** Graph answered 429: no write until `retryAfterSeconds` have passed. */
  hold(retryAfterSeconds: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.clock.now() + Math.max(1, retryAfterSeconds) * 1000);
  }
}
