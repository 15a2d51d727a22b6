import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/app-error';
import { describeStore } from '../../test/support/describe-store';
import { requestFingerprint, type IdempotencyStore } from './idempotency';
import { createDatabaseIdempotencyStore } from './idempotency-db';

const codeOf = async (f: () => Promise<unknown>) => {
  try {
    await f();
  } catch (e) {
    if (isAppError(e)) return [e.code, e.fields.status, e.fields.retryable];
    throw e;
  }
  return undefined;
};

type Make = (options?: { ttlMs?: number; now?: () => number }) => Promise<IdempotencyStore>;

describeStore('database idempotency store', (target) => {
  const make: Make = async (options) => createDatabaseIdempotencyStore((await target.fresh()).database.db, options);

  it('claims a key, reports it in progress, then replays the stored outcome', async () => {
    const store = await make();
    expect(await store.begin('op', 'k', 'f1')).toEqual({ kind: 'new' });
    expect(await codeOf(() => store.begin('op', 'k', 'f1'))).toEqual(['IN_PROGRESS', 409, true]);
    await store.complete('op', 'k', { status: 200, body: { messageId: 'm' } });
    expect(await store.begin('op', 'k', 'f1')).toEqual({
      kind: 'replay',
      outcome: { status: 200, body: { messageId: 'm' } },
    });
  });

  it('refuses the key with another fingerprint, in flight or done', async () => {
    const store = await make();
    await store.begin('op', 'k', 'f1');
    expect(await codeOf(() => store.begin('op', 'k', 'f2'))).toEqual(['IDEMPOTENCY_MISMATCH', 409, false]);
    await store.complete('op', 'k', { status: 200, body: {} });
    expect(await codeOf(() => store.begin('op', 'k', 'f2'))).toEqual(['IDEMPOTENCY_MISMATCH', 409, false]);
  });

  it('scopes keys per caller and frees released keys', async () => {
    const store = await make();
    await store.begin('a', 'k', 'f1');
    expect(await store.begin('b', 'k', 'f2')).toEqual({ kind: 'new' });
    await store.release('a', 'k');
    expect(await store.begin('a', 'k', 'f3')).toEqual({ kind: 'new' });
  });

  it('does not release a completed key', async () => {
    const store = await make();
    await store.begin('a', 'k', 'f');
    await store.complete('a', 'k', { status: 502, body: {} });
    await store.release('a', 'k');
    expect((await store.begin('a', 'k', 'f')).kind).toBe('replay');
  });

  it('forgets keys after the TTL', async () => {
    let t = 0;
    const store = await make({ ttlMs: 1000, now: () => t });
    await store.begin('a', 'k', 'f1');
    await store.complete('a', 'k', { status: 200, body: {} });
    t = 1001;
    expect(await store.begin('a', 'k', 'f2')).toEqual({ kind: 'new' });
    expect(await store.size()).toBe(1);
  });

  it('lets exactly one of two instances claim a key they race for', async () => {
    const fresh = await target.fresh();
    const stores = [fresh.database, await fresh.another()].map((d) => createDatabaseIdempotencyStore(d.db));
    const outcomes = await Promise.allSettled(
      stores.flatMap((s) => [s.begin('op', 'k', 'f'), s.begin('op', 'k', 'f')]),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(
      outcomes.filter((o) => o.status === 'rejected' && isAppError(o.reason, 'relay', 'IN_PROGRESS')),
    ).toHaveLength(3);
  });

  it('lets a claim that never finished lapse after the claim TTL', async () => {
    let t = 0;
    const store = createDatabaseIdempotencyStore((await target.fresh()).database.db, { claimTtlMs: 500, now: () => t });
    await store.begin('op', 'k', 'f');
    t = 499;
    expect(await codeOf(() => store.begin('op', 'k', 'f'))).toEqual(['IN_PROGRESS', 409, true]);
    t = 500;
    expect(await store.begin('op', 'k', 'f')).toEqual({ kind: 'new' });
  });
});

describe('requestFingerprint', () => {
  it('ignores key order but not values or the route', () => {
    const a = requestFingerprint('r', { x: 1, y: { b: 2, a: [1, 2] } });
    expect(requestFingerprint('r', { y: { a: [1, 2], b: 2 }, x: 1 })).toBe(a);
    expect(requestFingerprint('r', { x: 1, y: { b: 2, a: [2, 1] } })).not.toBe(a);
    expect(requestFingerprint('other', { x: 1, y: { b: 2, a: [1, 2] } })).not.toBe(a);
  });
});
