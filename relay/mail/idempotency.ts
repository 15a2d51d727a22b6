/**
 * Idempotency keys for `POST /api/mail`: a retried request (same caller, same key, same body) gets the
 * first outcome back instead of a second email. In the manner of the IETF draft "The Idempotency-Key
 * HTTP Header Field" (draft-ietf-httpapi-idempotency-key-header): a key reused with another body is a
 * 409 `IDEMPOTENCY_MISMATCH`, and a key whose first request is still running is a 409 `IN_PROGRESS`.
 *
 * This file is the contract and its errors; the relay keeps keys in its database (idempotency-db.ts), so
 * the guarantee holds across any number of instances behind a load balancer.
 */
import { hash } from 'node:crypto';
import { AppError } from '../../src/app-error';

/** A finished response that may be replayed. */
export interface StoredOutcome {
  status: number;
  body: unknown;
}

/** What {@link IdempotencyStore.begin} found. */
export type BeginResult = { kind: 'new' } | { kind: 'replay'; outcome: StoredOutcome };

/** The store the mail routes use. */
export interface IdempotencyStore {
  /**
   * Claims `key` for `caller`, or returns the stored outcome of an earlier identical request.
   *
   * @throws AppError('relay', 'IDEMPOTENCY_MISMATCH' | 'IN_PROGRESS', …, { status: 409 })
   */
  begin(caller: string, key: string, fingerprint: string): Promise<BeginResult>;
  /** Stores the outcome of a claimed key, to be replayed until it expires. */
  complete(caller: string, key: string, outcome: StoredOutcome): Promise<void>;
  /** Forgets a claimed key: its request ended in a way a retry may redo (nothing was sent). */
  release(caller: string, key: string): Promise<void>;
  /** Number of keys held (for tests and the bench). */
  size(): Promise<number>;
}

/** The 409 for a key reused with another body. */
export function idempotencyMismatch(): AppError {
  return new AppError(
    'relay',
    'IDEMPOTENCY_MISMATCH',
    'This Idempotency-Key was already used for a different message; use a new key for a new message.',
    { status: 409, retryable: false },
  );
}

/** The 409 for a key whose first request is still running. */
export function idempotencyInProgress(): AppError {
  return new AppError(
    'relay',
    'IN_PROGRESS',
    'A request with this Idempotency-Key is still being processed; retry shortly with the same key.',
    { status: 409, retryable: true, retryAfterSeconds: 1 },
  );
}

/**
 * Canonical JSON (object keys sorted by UTF-16 code units, `undefined` members left out), so that key
 * order and spacing do not change a fingerprint. Built by concatenation: this runs on every send.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const record = value as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${canonical(member)}`;
  }
  return `{${out}}`;
}

/** SHA-256 of the route and the canonical body: what "the same request" means. */
export function requestFingerprint(route: string, body: unknown): string {
  return hash('sha256', `${route}\0${canonical(body)}`, 'hex');
}
