import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import type { RateLimiter } from './rate-limit';
import { createDatabaseRateLimiter } from './rate-limit-db';

type Make = (options: { perMinute: number; burst?: number; now?: () => number }) => Promise<RateLimiter>;

describeStore('database token-bucket rate limiter', (target) => {
  const make: Make = async (options) => createDatabaseRateLimiter((await target.fresh()).database.db, options);

  it('allows a burst of perMinute, then refuses with the wait for the next token', async () => {
    let t = 0;
    const limiter = await make({ perMinute: 30, now: () => t });
    for (let i = 0; i < 30; i++) expect(await limiter.take('op')).toEqual({ allowed: true });
    expect(await limiter.take('op')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    t = 1000;
    expect(await limiter.take('op')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    t = 2000;
    expect(await limiter.take('op')).toEqual({ allowed: true });
    expect((await limiter.take('op')).allowed).toBe(false);
  });

  it('refills continuously up to the burst, not beyond, one bucket per caller', async () => {
    let t = 0;
    const limiter = await make({ perMinute: 60, burst: 2, now: () => t });
    await limiter.take('op');
    await limiter.take('op');
    expect((await limiter.take('other')).allowed).toBe(true);
    t = 3_600_000;
    const takes = [];
    for (let i = 0; i < 3; i++) takes.push((await limiter.take('op')).allowed);
    expect(takes).toEqual([true, true, false]);
  });

  it('spends each token once when two instances take at the same time', async () => {
    const fresh = await target.fresh();
    const limiters = [fresh.database, await fresh.another()].map((d) =>
      createDatabaseRateLimiter(d.db, { perMinute: 10, now: () => 0 }),
    );
    const takes = await Promise.all(Array.from({ length: 30 }, (_, i) => limiters[i % 2]!.take('op')));
    expect(takes.filter((d) => d.allowed)).toHaveLength(10);
  });
});
