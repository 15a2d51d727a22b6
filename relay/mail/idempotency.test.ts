import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/app-error';
import { createIdempotencyStore, requestFingerprint } from './idempotency';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (isAppError(e)) return [e.code, e.fields.status, e.fields.retryable];
    throw e;
  }
  return undefined;
};

describe('idempotency store', () => {
  it('claims a key, reports it in progress, then replays the stored outcome', () => {
    const store = createIdempotencyStore();
    expect(store.begin('op', 'k', 'f1')).toEqual({ kind: 'new' });
    expect(codeOf(() => store.begin('op', 'k', 'f1'))).toEqual(['IN_PROGRESS', 409, true]);
    store.complete('op', 'k', { status: 200, body: { messageId: 'm' } });
    expect(store.begin('op', 'k', 'f1')).toEqual({
      kind: 'replay',
      outcome: { status: 200, body: { messageId: 'm' } },
    });
  });

  it('refuses the key with another fingerprint, in flight or done', () => {
    const store = createIdempotencyStore();
    store.begin('op', 'k', 'f1');
    expect(codeOf(() => store.begin('op', 'k', 'f2'))).toEqual(['IDEMPOTENCY_MISMATCH', 409, false]);
    store.complete('op', 'k', { status: 200, body: {} });
    expect(codeOf(() => store.begin('op', 'k', 'f2'))).toEqual(['IDEMPOTENCY_MISMATCH', 409, false]);
  });

  it('scopes keys per caller and frees released keys', () => {
    const store = createIdempotencyStore();
    store.begin('a', 'k', 'f1');
    expect(store.begin('b', 'k', 'f2')).toEqual({ kind: 'new' });
    store.release('a', 'k');
    expect(store.begin('a', 'k', 'f3')).toEqual({ kind: 'new' });
  });

  it('does not release a completed key', () => {
    const store = createIdempotencyStore();
    store.begin('a', 'k', 'f');
    store.complete('a', 'k', { status: 502, body: {} });
    store.release('a', 'k');
    expect(store.begin('a', 'k', 'f').kind).toBe('replay');
  });

  it('forgets keys after the TTL', () => {
    let t = 0;
    const store = createIdempotencyStore({ ttlMs: 1000, now: () => t });
    store.begin('a', 'k', 'f1');
    store.complete('a', 'k', { status: 200, body: {} });
    t = 1001;
    expect(store.begin('a', 'k', 'f2')).toEqual({ kind: 'new' });
  });

  it('holds at most maxEntries keys, dropping the least recently used', () => {
    const store = createIdempotencyStore({ maxEntries: 3 });
    for (const k of ['k1', 'k2', 'k3']) {
      store.begin('a', k, 'f');
      store.complete('a', k, { status: 200, body: { k } });
    }
    store.begin('a', 'k1', 'f'); // replay: k1 becomes the most recent
    store.begin('a', 'k4', 'f');
    expect(store.size()).toBe(3);
    expect(store.begin('a', 'k1', 'f').kind).toBe('replay');
    expect(store.begin('a', 'k2', 'f').kind).toBe('new');
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
