/**
 * Per-caller token buckets in the relay's database (table `mail_rate` for operators' mail,
 * `self_service_rate` for card holders' self-service requests), so the limit holds
 * whichever relay instance a request reaches. A take is one statement: insert a full bucket minus one,
 * or refill-and-take under the row's lock if at least one whole token is there. Concurrent takes on
 * several instances queue on that row lock, so no token is spent twice.
 *
 * Refill uses the relay's clock; a bucket never runs backwards when instances' clocks differ slightly.
 */
import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema';
import { secondsUntilToken, type RateLimiter } from './rate-limit';

/** Options for {@link createDatabaseRateLimiter}. */
export interface DatabaseRateLimitOptions {
  perMinute: number;
  /** Bucket size; defaults to `perMinute`. */
  burst?: number;
  /** Milliseconds; defaults to `Date.now`. */
  now?: () => number;
  /** The buckets' table; defaults to `mail_rate`. */
  table?: RateTable;
}

/** Tables of token buckets (relay/db/schema.ts `MailRateTable`'s shape). */
export type RateTable = 'mail_rate' | 'self_service_rate';

// Full (long idle) buckets are swept by every this-many takes of an instance.
const SWEEP_EVERY = 100;

/** Creates the limiter over `db` (migrated). */
export function createDatabaseRateLimiter(db: Kysely<Schema>, options: DatabaseRateLimitOptions): RateLimiter {
  const perMs = options.perMinute / 60_000;
  const burst = options.burst ?? options.perMinute;
  const now = options.now ?? Date.now;
  const table = options.table ?? 'mail_rate';
  const tokensNow = sql.ref(`${table}.tokens`);
  const updatedAt = sql.ref(`${table}.updated_at_ms`);
  // A bucket idle this long is full again, so forgetting it changes nothing.
  const fullAfterMs = Math.ceil(burst / perMs);
  let takes = 0;

  return {
    async take(caller) {
      const t = now();
      const refilled = sql<number>`least(${burst}::float8, ${tokensNow} + greatest(0, ${t}::float8 - ${updatedAt}) * ${perMs}::float8)`;
      const taken = await db
        .insertInto(table)
        .values({ caller, tokens: burst - 1, updated_at_ms: t })
        .onConflict((oc) =>
          oc
            .column('caller')
            .doUpdateSet({
              tokens: sql`${refilled} - 1`,
              updated_at_ms: sql`greatest(${updatedAt}, ${t}::float8)`,
            })
            .where(refilled, '>=', 1),
        )
        .returning('tokens')
        .executeTakeFirst();
      if (++takes % SWEEP_EVERY === 0)
        await db
          .deleteFrom(table)
          .where('updated_at_ms', '<', t - fullAfterMs)
          .execute();
      if (taken) return { allowed: true };
      const bucket = await db
        .selectFrom(table)
        .select(['tokens', 'updated_at_ms'])
        .where('caller', '=', caller)
        .executeTakeFirst();
      const tokens = bucket ? Math.min(burst, bucket.tokens + Math.max(0, t - bucket.updated_at_ms) * perMs) : 0;
      return { allowed: false, retryAfterSeconds: secondsUntilToken(tokens, perMs) };
    },
    async size() {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
