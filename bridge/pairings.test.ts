/** The bridge's pairing store, with a controlled clock and a scratch file. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PAIRING_LOCKOUT_MS, PAIRING_MAX_ATTEMPTS, PAIRINGS_PER_ORIGIN, PairingStore } from './pairings';

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'kw-pairings-'));
  dirs.push(d);
  return join(d, 'sub', 'pairings.json');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const A = 'https://a.example';

describe('PairingStore', () => {
  it('keeps the pairing key in a file only this user can read, and revokes it', () => {
    const file = scratch();
    const store = new PairingStore(file);
    const code = store.offerCode(A)!;
    expect(code).toMatch(/^\d{6}$/);
    expect(store.offerCode(A)).toBeNull(); // still valid: not printed again
    expect(store.beginAttempt(A)).toEqual({ code });
    store.completePairing(A, KEY);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(new PairingStore(file).keysFor(A)).toEqual([KEY]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 2, pairings: [{ origin: A }] });
    expect(new PairingStore(file).revoke(A)).toBe(true);
    expect(store.reload()).toBe(true); // the running bridge sees another process's revocation
    expect(store.keysFor(A)).toEqual([]);
  });

  it('keeps a key per browser that paired, up to a limit per origin, oldest dropped first', () => {
    const store = new PairingStore(scratch());
    const keys = Array.from({ length: PAIRINGS_PER_ORIGIN + 1 }, (_, i) => new Uint8Array(32).fill(i + 1));
    for (const k of keys) store.completePairing(A, k);
    expect(store.keysFor(A)).toEqual(keys.slice(1));
    expect(store.revoke(A)).toBe(true);
    expect(store.keysFor(A)).toEqual([]);
  });

  it('treats a version-1 record (no key) as unpaired', () => {
    const file = scratch();
    new PairingStore(file).completePairing('https://b.example', KEY);
    writeFileSync(file, JSON.stringify({ version: 1, pairings: [{ origin: A, pairedAt: '2026-01-01T00:00:00Z' }] }));
    expect(new PairingStore(file).keysFor(A)).toEqual([]);
  });

  it(`locks pairing out after ${PAIRING_MAX_ATTEMPTS} runs without success, then offers a new code`, () => {
    let now = 1_000_000;
    const store = new PairingStore(scratch(), () => now);
    const code = store.offerCode(A)!;
    for (let i = 0; i < PAIRING_MAX_ATTEMPTS; i++) expect(store.beginAttempt(A)).toEqual({ code });
    expect(store.beginAttempt(A)).toBe('locked');
    expect(store.isLocked(A)).toBe(true);
    expect(store.offerCode(A)).toBeNull();
    now += PAIRING_LOCKOUT_MS + 1;
    expect(store.beginAttempt(A)).toBe('no-code'); // the guessed-at code is dead
    const fresh = store.offerCode(A)!;
    expect(store.beginAttempt(A)).toEqual({ code: fresh });
  });

  it('starts no run for an origin that was never offered a code', () => {
    expect(new PairingStore(scratch()).beginAttempt('https://b.example')).toBe('no-code');
  });
});
