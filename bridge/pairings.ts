/**
 * The bridge's pairing keys (persisted) and the codes it offers to unpaired origins (in memory).
 *
 * A pairing is a 256-bit key agreed with CPace from a printed code (src/transport/pcsc-bridge-handshake.ts),
 * kept per origin in a JSON file only this user can read (0600, in a 0700 directory). A code allows
 * `PAIRING_MAX_ATTEMPTS` pairing runs, each one online guess; then the origin is locked out of pairing
 * for a while. A lockout never touches an origin's existing key: its pages still authenticate.
 */
import { randomInt } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Pairing runs an origin may start per code before it is locked out. */
export const PAIRING_MAX_ATTEMPTS = 5;
/** How long a lockout lasts. */
export const PAIRING_LOCKOUT_MS = 10 * 60_000;
/** How long a printed code stays valid. */
export const PAIRING_CODE_TTL_MS = 5 * 60_000;
/**
 * Pairings kept per origin: each browser profile that pairs gets its own key, so pairing a second one does
 * not cut off the first; beyond this many the oldest is dropped (and its connections closed).
 */
export const PAIRINGS_PER_ORIGIN = 8;

interface PairingRecord {
  readonly origin: string;
  readonly pairedAt: string;
  /** The pairing key, base64. */
  readonly key: string;
}

interface PendingCode {
  code: string;
  expires: number;
  attempts: number;
  lockedUntil: number;
}

/** Whether a pairing run may start, and with which code. */
export type AttemptOutcome = { readonly code: string } | 'locked' | 'no-code';

const KEY_BYTES = 32;
const isRecord = (r: unknown): r is PairingRecord =>
  typeof r === 'object' &&
  r !== null &&
  typeof (r as PairingRecord).origin === 'string' &&
  typeof (r as PairingRecord).key === 'string' &&
  Buffer.from((r as PairingRecord).key, 'base64').length === KEY_BYTES;

/** Paired origins with their keys, and the codes offered to unpaired ones. */
export class PairingStore {
  readonly #file: string;
  readonly #now: () => number;
  #paired: PairingRecord[] = [];
  readonly #pending = new Map<string, PendingCode>();
  #stamp = '';

  constructor(file: string, now: () => number = Date.now) {
    this.#file = file;
    this.#now = now;
    this.reload();
  }

  /**
   * Re-reads the file when it changed (a `--revoke` run from another process); returns whether it did.
   * Records of version 1 (no key) are not pairings any more: those origins pair again.
   */
  reload(): boolean {
    const stamp = this.#fileStamp();
    if (stamp === this.#stamp) return false;
    this.#stamp = stamp;
    this.#paired = this.#load();
    return true;
  }

  #fileStamp(): string {
    try {
      const s = statSync(this.#file);
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      return 'none';
    }
  }

  #load(): PairingRecord[] {
    try {
      const data = JSON.parse(readFileSync(this.#file, 'utf8')) as { pairings?: unknown[] };
      return Array.isArray(data.pairings) ? data.pairings.filter(isRecord) : [];
    } catch {
      return []; // no file yet, or unreadable: nobody is paired
    }
  }

  #save(): void {
    mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 2, pairings: this.#paired }, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600); // a stale tmp file left by a crash keeps its old mode otherwise
    renameSync(tmp, this.#file); // atomic: a crash never leaves half a file
    this.#stamp = this.#fileStamp();
  }

  /** The pairing keys of `origin` (one per browser that paired), oldest first. */
  keysFor(origin: string): Uint8Array[] {
    return this.#paired.filter((r) => r.origin === origin).map((r) => new Uint8Array(Buffer.from(r.key, 'base64')));
  }

  /** Pairings, oldest first. */
  list(): { origin: string; pairedAt: string }[] {
    return this.#paired.map(({ origin, pairedAt }) => ({ origin, pairedAt }));
  }

  /**
   * The code to print for `origin`: a fresh six-digit code, or null while one is still valid (already
   * printed) or the origin is locked out.
   */
  offerCode(origin: string): string | null {
    const now = this.#now();
    const p = this.#pending.get(origin);
    if (p && (p.lockedUntil > now || p.expires > now)) return null;
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.#pending.set(origin, { code, expires: now + PAIRING_CODE_TTL_MS, attempts: 0, lockedUntil: 0 });
    return code;
  }

  /** True while `origin` is locked out of pairing. */
  isLocked(origin: string): boolean {
    return (this.#pending.get(origin)?.lockedUntil ?? 0) > this.#now();
  }

  /**
   * Starts a pairing run for `origin`, counting it as an attempt until {@link completePairing}. After
   * `PAIRING_MAX_ATTEMPTS` runs without success the origin is locked out, and its code is dead.
   */
  beginAttempt(origin: string): AttemptOutcome {
    const now = this.#now();
    const p = this.#pending.get(origin);
    if (p && p.lockedUntil > now) return 'locked';
    if (!p || p.expires <= now) return 'no-code';
    if (p.attempts >= PAIRING_MAX_ATTEMPTS) {
      Object.assign(p, { lockedUntil: now + PAIRING_LOCKOUT_MS, expires: 0, attempts: 0 });
      return 'locked';
    }
    p.attempts += 1;
    return { code: p.code };
  }

  /** Adds `key` as a pairing of `origin` (dropping its oldest beyond the limit) and retires its code. */
  completePairing(origin: string, key: Uint8Array): void {
    this.#pending.delete(origin);
    const record = { origin, pairedAt: new Date(this.#now()).toISOString(), key: Buffer.from(key).toString('base64') };
    const mine = this.#paired.filter((r) => r.origin === origin);
    const drop = new Set(mine.slice(0, Math.max(0, mine.length + 1 - PAIRINGS_PER_ORIGIN)));
    this.#paired = [...this.#paired.filter((r) => !drop.has(r)), record];
    this.#save();
  }

  /** Forgets every pairing of `origin`; returns whether it had any. */
  revoke(origin: string): boolean {
    const before = this.#paired.length;
    this.#paired = this.#paired.filter((r) => r.origin !== origin);
    if (this.#paired.length !== before) this.#save();
    return this.#paired.length !== before;
  }
}
