/**
 * Per-operator rate limiting for mail: a token bucket per caller (`oid`), refilled continuously at
 * `perMinute / 60` tokens per second up to `burst`. A refusal says when the next token arrives, for the
 * 429's `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3).
 *
 * The relay keeps the buckets in its database (rate-limit-db.ts), so the limit holds across instances;
 * {@link createRateLimiter} keeps them in this process, for a single relay built without a database.
 * Its memory is bounded: at most `maxKeys` buckets. Buckets are kept in least-recently-used order, and the
 * oldest are dropped first; a dropped bucket was idle longest, so it has refilled the most, and at worst
 * its caller gets a full bucket back early.
 */

/** The answer for one request. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Decides whether a caller may send now. */
export interface RateLimiter {
  take(caller: string): Promise<RateDecision>;
  /** Number of buckets held. */
  size(): Promise<number>;
}

/** Options for {@link createRateLimiter}. */
export interface RateLimitOptions {
  perMinute: number;
  /** Bucket size; defaults to `perMinute` (a full minute's allowance at once). */
  burst?: number;
  /** Defaults to 10 000 callers. */
  maxKeys?: number;
  /** Milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Seconds until a bucket holding `tokens` has one whole token, at `perMs` tokens per millisecond. */
export function secondsUntilToken(tokens: number, perMs: number): number {
  return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
}

/** Creates an in-memory token-bucket limiter (one relay instance only). */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const perMs = options.perMinute / 60_000;
  const burst = options.burst ?? options.perMinute;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  return {
    async take(caller) {
      const t = now();
      const previous = buckets.get(caller);
      const bucket: Bucket = previous
        ? { tokens: Math.min(burst, previous.tokens + (t - previous.updatedAt) * perMs), updatedAt: t }
        : { tokens: burst, updatedAt: t };
      buckets.delete(caller);
      buckets.set(caller, bucket);
      while (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: secondsUntilToken(bucket.tokens, perMs) };
    },
    size: async () => buckets.size,
  };
}
