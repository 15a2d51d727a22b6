/**
 * `POST /api/mail` idempotency keys in the relay's database (table `mail_idempotency`), so that a retry
 * reaching another relay instance behind the load balancer still finds the first request's claim or
 * outcome. Claiming is one `insert … on conflict do update … where expired`: of two instances racing
 * for a key, exactly one gets a row back.
 *
 * A claim whose request never finished (the instance died mid-send, or the database went away before
 * the outcome was stored) lapses after `claimTtlMs`, so the key does not stay "in progress" for a day.
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema';
import { idempotencyInProgress, idempotencyMismatch, type BeginResult, type IdempotencyStore } from './idempotency';

/** Options for {@link createDatabaseIdempotencyStore}. */
export interface DatabaseIdempotencyOptions {
  /** How long a finished outcome is replayed; defaults to 24 h. */
  ttlMs?: number;
  /** How long an unfinished claim holds the key; defaults to 10 min (longer than any SMTP retry). */
  claimTtlMs?: number;
  /** Milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

// Expired keys are swept by every this-many claims of an instance, so the table stays small.
const SWEEP_EVERY = 100;

/** Creates the store over `db` (migrated). */
export function createDatabaseIdempotencyStore(
  db: Kysely<Schema>,
  options: DatabaseIdempotencyOptions = {},
): IdempotencyStore {
  const ttlMs = options.ttlMs ?? 24 * 60 * 60_000;
  const claimTtlMs = options.claimTtlMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  let claims = 0;

  /** Claims the key if it is free or expired; true when this call got it. */
  const claim = async (caller: string, key: string, fingerprint: string, t: number) => {
    const fresh = { fingerprint, expires_at_ms: t + claimTtlMs, status: null, body: null };
    const row = await db
      .insertInto('mail_idempotency')
      .values({ caller, key, ...fresh })
      .onConflict((oc) =>
        oc.columns(['caller', 'key']).doUpdateSet(fresh).where('mail_idempotency.expires_at_ms', '<=', t),
      )
      .returning('caller')
      .executeTakeFirst();
    return row !== undefined;
  };

  const sweep = async (t: number) => {
    if (++claims % SWEEP_EVERY === 0) await db.deleteFrom('mail_idempotency').where('expires_at_ms', '<=', t).execute();
  };

  return {
    async begin(caller, key, fingerprint): Promise<BeginResult> {
      // Twice at most: a live key found by the claim may be released or lapse before it is read.
      for (let attempt = 0; attempt < 2; attempt++) {
        const t = now();
        if (await claim(caller, key, fingerprint, t)) {
          await sweep(t);
          return { kind: 'new' };
        }
        const found = await db
          .selectFrom('mail_idempotency')
          .select(['fingerprint', 'status', 'body', 'expires_at_ms'])
          .where('caller', '=', caller)
          .where('key', '=', key)
          .executeTakeFirst();
        if (!found || found.expires_at_ms <= t) continue;
        if (found.fingerprint !== fingerprint) throw idempotencyMismatch();
        if (found.status === null) throw idempotencyInProgress();
        return { kind: 'replay', outcome: { status: found.status, body: found.body } };
      }
      throw idempotencyInProgress();
    },
    async complete(caller, key, outcome) {
      await db
        .updateTable('mail_idempotency')
        .set({ status: outcome.status, body: JSON.stringify(outcome.body), expires_at_ms: now() + ttlMs })
        .where('caller', '=', caller)
        .where('key', '=', key)
        .where('status', 'is', null)
        .execute();
    },
    async release(caller, key) {
      await db
        .deleteFrom('mail_idempotency')
        .where('caller', '=', caller)
        .where('key', '=', key)
        .where('status', 'is', null)
        .execute();
    },
    async size() {
      const t = now();
      const row = await db
        .selectFrom('mail_idempotency')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('expires_at_ms', '>', t)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
