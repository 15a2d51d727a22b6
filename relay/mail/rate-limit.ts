/**
 * Per-operator rate limiting for mail: a token bucket per caller (`oid`), refilled continuously at
 * `perMinute / 60` tokens per second up to `burst`. A refusal says when the next token arrives, for the
 * 429's `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3).
 *
 * This file is the contract; the relay keeps the buckets in its database (rate-limit-db.ts), so the limit
 * holds across instances.
 */

/** The answer for one request. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Decides whether a caller may send now. */
export interface RateLimiter {
  take(caller: string): Promise<RateDecision>;
  /** Number of buckets held. */
  size(): Promise<number>;
}

/** Seconds until a bucket holding `tokens` has one whole token, at `perMs` tokens per millisecond. */
export function secondsUntilToken(tokens: number, perMs: number): number {
  return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
}
