/**
 * The write budget of a Batch TAP run: a token bucket that keeps the run's pass creates under Graph's
 * identity write quota instead of running into it ("Microsoft Graph service-specific throttling limits",
 * identity and access: 3,000 writes per 2 minutes 30 seconds per app and tenant).
 *
 * Graph counts writes in a sliding window, so a bucket of `burst` tokens refilled at `rate` lets at most
 * `burst + rate × window` writes into any window. The bucket refills at `fraction` of the quota's rate and
 * holds `headroom` of it as burst (at most one Graph batch), so a run stays below the quota by design:
 * with the defaults, at most 98% of it in any window, and about 93% sustained. When Graph answers 429
 * anyway (the quota is per app, so other operators' writes count too), the budget holds every write until
 * the `Retry-After` has passed, and starts again from an empty bucket.
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
  /** Sustained share of the quota's rate (default 0.93). */
  readonly fraction?: number;
  /** Share of the quota allowed as a burst (default 0.05), at most `maxBurst`. */
  readonly headroom?: number;
  /** The largest burst: one Graph batch (default 20). */
  readonly maxBurst?: number;
}

/** Token bucket over a {@link Clock}. */
export class WriteBudget {
  readonly burst: number;
  /** Tokens per millisecond. */
  private readonly rate: number;
  private tokens: number;
  private last: number;
  private heldUntil = 0;

  constructor(
    quota: WriteQuota,
    private readonly clock: Clock,
    shape: BudgetShape = {},
  ) {
    const fraction = shape.fraction ?? 0.93;
    this.burst = Math.max(1, Math.min(shape.maxBurst ?? 20, Math.floor(quota.limit * (shape.headroom ?? 0.05))));
    this.rate = (fraction * quota.limit) / quota.windowMs;
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** Writes per second the budget sustains (for an estimated time left). */
  get writesPerSecond(): number {
    return this.rate * 1000;
  }

  private refill(): void {
    const now = this.clock.now();
    if (now < this.heldUntil) {
      this.last = now;
      return;
    }
    this.tokens = Math.min(this.burst, this.tokens + (now - Math.max(this.last, this.heldUntil)) * this.rate);
    this.last = now;
  }

  /** Waits until at least one write may go, then takes up to `max` and returns how many were taken. */
  async acquire(max: number): Promise<number> {
    for (;;) {
      this.refill();
      const now = this.clock.now();
      if (now < this.heldUntil) {
        await this.clock.sleep(this.heldUntil - now);
        continue;
      }
      if (this.tokens >= 1) {
        const taken = Math.min(max, Math.floor(this.tokens));
        this.tokens -= taken;
        return taken;
      }
      await this.clock.sleep(Math.ceil((1 - this.tokens) / this.rate));
    }
  }

  /** Graph answered 429: no write until `retryAfterSeconds` have passed, and then from an empty bucket. */
  hold(retryAfterSeconds: number): void {
    this.refill();
    this.heldUntil = Math.max(this.heldUntil, this.clock.now() + Math.max(1, retryAfterSeconds) * 1000);
    this.tokens = 0;
  }
}
