/**
 * The 429 switch: the next `count` Graph requests are refused with `Retry-After`, like Graph's
 * throttling (concepts/throttling.md: status 429, a `Retry-After` header in seconds).
 */
export class Throttle {
  private remaining = 0;
  private retryAfterSeconds = 0;

  /** Throttles the next `count` requests, each answered with `Retry-After: retryAfterSeconds`. */
  inject(count: number, retryAfterSeconds: number): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
    if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0)
      throw new RangeError('retryAfterSeconds must be a non-negative integer');
    this.remaining = count;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Consumes one throttled slot: the Retry-After seconds, or undefined when the request may pass. */
  take(): number | undefined {
    if (this.remaining === 0) return undefined;
    this.remaining -= 1;
    return this.retryAfterSeconds;
  }
}
