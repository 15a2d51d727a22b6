import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit';

describe('token-bucket rate limiter', () => {
  it('allows a burst of perMinute, then refuses with the wait for the next token', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 30, now: () => t });
    for (let i = 0; i < 30; i++) expect(limiter.take('op')).toEqual({ allowed: true });
    expect(limiter.take('op')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    t = 1000;
    expect(limiter.take('op')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    t = 2000;
    expect(limiter.take('op')).toEqual({ allowed: true });
    expect(limiter.take('op').allowed).toBe(false);
  });

  it('refills continuously up to the burst, not beyond', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 2, now: () => t });
    limiter.take('op');
    limiter.take('op');
    t = 3_600_000;
    expect([limiter.take('op').allowed, limiter.take('op').allowed, limiter.take('op').allowed]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('keeps one bucket per caller and at most maxKeys buckets', () => {
    const limiter = createRateLimiter({ perMinute: 1, maxKeys: 100 });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
    for (let i = 0; i < 1000; i++) limiter.take(`caller-${i}`);
    expect(limiter.size()).toBe(100);
  });
});
