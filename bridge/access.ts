/**
 * Who may talk to the bridge: the exact origin allowlist, the Host check against DNS rebinding, and
 * per-origin pairing with a short code the operator reads off the bridge's console.
 *
 * Why each rule exists:
 * - A WebSocket is not subject to CORS, so any page the operator visits could open ws://127.0.0.1; the
 *   browser-set `Origin` header is the only thing telling pages apart. No Origin, no connection.
 * - A rebinding attack points an attacker's host name at 127.0.0.1; its requests then carry
 *   `Host: evil.example:port`. Only loopback host names are accepted.
 * - An allowed origin may still serve injected script (or be a shared hosting origin), so the first use
 *   from each origin needs the operator to type a code only they can see. Pairings are remembered in a
 *   small JSON file and can be revoked (`--revoke <origin>`).
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { bytesEqual } from '../src/bytes';

/** Wrong codes an origin may try before it is locked out. */
export const PAIRING_MAX_ATTEMPTS = 5;
/** How long a lockout lasts. */
export const PAIRING_LOCKOUT_MS = 10 * 60_000;
/** How long a printed code stays valid. */
export const PAIRING_CODE_TTL_MS = 5 * 60_000;

/** The per-user config file holding paired origins, following each OS's convention. */
export function defaultPairingFile(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const base =
    platform === 'win32'
      ? (env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(homedir(), '.config'));
  return join(base, 'keyward-bridge', 'pairings.json');
}

/** Parses an origin list ("https://a.example, http://localhost:8080"); each must be a bare origin. */
export function parseOrigins(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((o) => {
      const url = new URL(o);
      if (url.origin !== o.replace(/\/$/, '')) throw new Error(`"${o}" is not a bare origin (scheme://host[:port])`);
      return url.origin;
    });
}

/** Why a WebSocket upgrade is refused, or null when it may proceed. */
export function refuseUpgrade(
  headers: { origin?: string | undefined; host?: string | undefined },
  allowed: readonly string[],
  port: number,
): string | null {
  const loopbackHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!headers.host || !loopbackHosts.includes(headers.host.toLowerCase()))
    return 'Host is not a loopback name (DNS rebinding?)';
  if (!headers.origin) return 'no Origin header';
  if (!allowed.includes(headers.origin)) return 'origin not allowed';
  return null;
}

interface PairingRecord {
  readonly origin: string;
  readonly pairedAt: string;
}

interface PendingCode {
  code: string;
  expires: number;
  failures: number;
  lockedUntil: number;
}

/** The outcome of a pairing attempt. */
export type PairingOutcome = 'paired' | 'wrong-code' | 'locked';

/** Paired origins (persisted) and the codes offered to unpaired ones (in memory). */
export class PairingStore {
  readonly #file: string;
  readonly #now: () => number;
  readonly #paired = new Map<string, PairingRecord>();
  readonly #pending = new Map<string, PendingCode>();

  constructor(file: string, now: () => number = Date.now) {
    this.#file = file;
    this.#now = now;
    this.reload();
  }

  /** Re-reads the file, so a `--revoke` run from another process takes effect on the next connection. */
  reload(): void {
    this.#paired.clear();
    for (const r of this.#load()) this.#paired.set(r.origin, r);
  }

  #load(): PairingRecord[] {
    try {
      const data = JSON.parse(readFileSync(this.#file, 'utf8')) as { pairings?: PairingRecord[] };
      return Array.isArray(data.pairings) ? data.pairings.filter((r) => typeof r.origin === 'string') : [];
    } catch {
      return []; // no file yet, or unreadable: nobody is paired
    }
  }

  #save(): void {
    mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, pairings: [...this.#paired.values()] }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.#file); // atomic: a crash never leaves half a file
  }

  /** True when `origin` has been paired. */
  isPaired(origin: string): boolean {
    return this.#paired.has(origin);
  }

  /** Paired origins, oldest first. */
  list(): { origin: string; pairedAt: string }[] {
    return [...this.#paired.values()];
  }

  /**
   * The code to print for `origin`: the current one while it is valid, else a fresh six-digit code.
   * Null while the origin is locked out.
   */
  offerCode(origin: string): string | null {
    const now = this.#now();
    const p = this.#pending.get(origin);
    if (p && p.lockedUntil > now) return null;
    if (p && p.expires > now) return null; // already printed and still valid: do not spam the console
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.#pending.set(origin, { code, expires: now + PAIRING_CODE_TTL_MS, failures: p?.failures ?? 0, lockedUntil: 0 });
    return code;
  }

  /** Checks a typed code; after `PAIRING_MAX_ATTEMPTS` wrong ones the origin is locked out. */
  tryPair(origin: string, typed: string): PairingOutcome {
    const now = this.#now();
    const p = this.#pending.get(origin);
    if (p && p.lockedUntil > now) return 'locked';
    const ok = p !== undefined && p.expires > now && sameCode(p.code, typed.replace(/[\s-]/g, ''));
    if (!ok) {
      if (!p) return 'wrong-code';
      p.failures += 1;
      if (p.failures >= PAIRING_MAX_ATTEMPTS) {
        p.lockedUntil = now + PAIRING_LOCKOUT_MS;
        p.expires = 0; // a locked origin gets a new code afterwards, never the one being guessed
        p.failures = 0;
        return 'locked';
      }
      return 'wrong-code';
    }
    this.#pending.delete(origin);
    this.#paired.set(origin, { origin, pairedAt: new Date(now).toISOString() });
    this.#save();
    return 'paired';
  }

  /** Forgets `origin`; returns whether it was paired. */
  revoke(origin: string): boolean {
    const had = this.#paired.delete(origin);
    if (had) this.#save();
    return had;
  }
}

function sameCode(expected: string, typed: string): boolean {
  return bytesEqual(new TextEncoder().encode(expected), new TextEncoder().encode(typed));
}
