/**
 * TapStore rules with a controlled clock: usability over time (NotYetValid → EnabledByPolicy → Expired),
 * one-time use, replacement, and the code alphabet.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/app-error';
import { generateTapCode, TapStore } from './graph/tap-store';
import { DEFAULT_TAP_POLICY, type TapPolicy } from './tenant';

function storeAt(start: string, policy: Partial<TapPolicy> = {}) {
  const clock = { now: new Date(start) };
  const current: TapPolicy = { ...DEFAULT_TAP_POLICY, ...policy };
  return {
    clock,
    policy: current,
    store: new TapStore(
      () => current,
      () => clock.now,
    ),
  };
}

describe('TapStore', () => {
  it('moves from NotYetValid to EnabledByPolicy to Expired as the clock passes start and lifetime', () => {
    const { clock, store } = storeAt('2026-01-01T10:00:00Z');
    const tap = store.create('u1', { startDateTime: '2026-01-01T11:00:00Z', lifetimeInMinutes: 60 });
    expect(store.usability(tap)).toEqual({ isUsable: false, methodUsabilityReason: 'NotYetValid' });
    clock.now = new Date('2026-01-01T11:00:00Z');
    expect(store.usability(tap)).toEqual({ isUsable: true, methodUsabilityReason: 'EnabledByPolicy' });
    clock.now = new Date('2026-01-01T11:59:59Z');
    expect(store.usability(tap).isUsable).toBe(true);
    clock.now = new Date('2026-01-01T12:00:00Z');
    expect(store.usability(tap)).toEqual({ isUsable: false, methodUsabilityReason: 'Expired' });
  });

  it('marks a one-time pass OneTimeUsed after use, but not a multi-use one', () => {
    const { store } = storeAt('2026-01-01T10:00:00Z');
    const once = store.create('u1', { isUsableOnce: true });
    store.markUsed('u1');
    expect(store.usability(once)).toEqual({ isUsable: false, methodUsabilityReason: 'OneTimeUsed' });
    const multi = store.create('u2', { isUsableOnce: false });
    store.markUsed('u2');
    expect(store.usability(multi).isUsable).toBe(true);
  });

  it('keeps one pass per user and deletes only by the current id', () => {
    const { store } = storeAt('2026-01-01T10:00:00Z');
    const a = store.create('u1', {});
    const b = store.create('u1', {});
    expect(store.get('u1')?.id).toBe(b.id);
    expect(store.delete('u1', a.id)).toBe(false);
    expect(store.delete('u1', b.id)).toBe(true);
    expect(store.get('u1')).toBeUndefined();
  });

  it('throws Graph badRequest errors carrying status 400', () => {
    const { store } = storeAt('2026-01-01T10:00:00Z');
    try {
      store.create('u1', { lifetimeInMinutes: 5 });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'graph-emulator', 'badRequest')).toBe(true);
      expect((e as { fields: { status: number } }).fields.status).toBe(400);
    }
  });

  it('generates codes only from the unambiguous alphabet, with every symbol reachable', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 400; i += 1) {
      const code = generateTapCode(16);
      expect(code).toHaveLength(16);
      for (const ch of code) seen.add(ch);
    }
    for (const ambiguous of ['0', 'O', 'o', '1', 'l', 'I']) expect(seen.has(ambiguous)).toBe(false);
    expect(seen.size).toBe(56);
  });
});
