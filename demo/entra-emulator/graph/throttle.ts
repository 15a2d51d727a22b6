/**
 * The 429 switch: the next `count` Graph requests (or `$batch` items) are refused with `Retry-After`, like Graph's
 * throttling (concepts/throttling.md: status 429, a `Retry-After` header in seconds).
 */
export class Throttle {
  private remaining = 0;
  private retryAfterSeconds = 0;
  private method: string | undefined;

  /**
   * Throttles the next `count` requests (only those of `method` when given), each answered with
   * `Retry-After: retryAfterSeconds`.
   */
  inject(count: number, retryAfterSeconds: number, method?: string): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
    if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0)
      throw new RangeError('retryAfterSeconds must be a non-negative integer');
    this.remaining = count;
    this.retryAfterSeconds = retryAfterSeconds;
    this.method = method?.toUpperCase();
  }

  private itemsRemaining = 0;
  private itemRetryAfterSeconds = 0;

  /** Throttles the next `count` requests run as items of a `$batch` (the batch itself passes). */
  injectItems(count: number, retryAfterSeconds: number): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
    if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0)
      throw new RangeError('retryAfterSeconds must be a non-negative integer');
    this.itemsRemaining = count;
    this.itemRetryAfterSeconds = retryAfterSeconds;
  }

  /** Like {@link take}, for a `$batch` item. */
  takeItem(): number | undefined {
    if (this.itemsRemaining === 0) return undefined;
    this.itemsRemaining -= 1;
    return this.itemRetryAfterSeconds;
  }

  /** Consumes one throttled slot: the Retry-After seconds, or undefined when the request may pass. */
  take(method: string): number | undefined {
    if (this.remaining === 0 || (this.method !== undefined && this.method !== method.toUpperCase())) return undefined;
    this.remaining -= 1;
    return this.retryAfterSeconds;
  }
}
