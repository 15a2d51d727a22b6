/**
 * Numbered schema migrations, run at start-up by {@link migrate}: all pending ones in one transaction,
 * each recorded in `schema_version`. Never edit a migration that has shipped; add the next number.
 *
 * Several relay instances may start at once against one PostgreSQL, so the transaction first takes an
 * advisory lock; the others wait and then find nothing left to do. A database whose schema is newer
 * than this relay's is refused: an older relay writing to it could corrupt what the newer one expects.
 */
import { sql, type Kysely } from 'kysely';
import { AppError } from '../../src/app-error';
import type { Schema } from './schema';

/** One numbered step. Its statements run in order inside the start-up transaction. */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** The relay's migrations, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'mail idempotency keys and rate-limit buckets',
    statements: [
      `create table mail_idempotency (
         caller text not null,
         key text not null,
         fingerprint text not null,
         expires_at_ms double precision not null,
         status integer,
         body jsonb,
         primary key (caller, key))`,
      `create index mail_idempotency_expiry on mail_idempotency (expires_at_ms)`,
      `create table mail_rate (
         caller text primary key,
         tokens double precision not null,
         updated_at_ms double precision not null)`,
    ],
  },
  {
    version: 2,
    name: 'hash-chained audit trail',
    statements: [
      `create table audit (
         seq bigint primary key,
         at timestamptz not null,
         actor_oid text not null,
         actor_name text not null,
         action text not null,
         target_type text not null,
         target_id text not null,
         target_label text not null,
         outcome text not null,
         reason text not null,
         prev_hash text not null,
         hash text not null unique)`,
      `create index audit_actor on audit (actor_oid, seq)`,
      `create index audit_target on audit (target_id, seq)`,
      `create index audit_action on audit (action, seq)`,
      `create index audit_at on audit (at, seq)`,
      // Append-only in the database too: changing or removing a row takes disabling this trigger first.
      `create function audit_append_only() returns trigger language plpgsql as $$
         begin raise exception 'audit rows are append-only'; end $$`,
      `create trigger audit_append_only before update or delete or truncate on audit
         for each statement execute function audit_append_only()`,
    ],
  },
  {
    version: 3,
    name: 'card registry with row versions, and card events',
    statements: [
      `create table cards (
         card_id text primary key,
         state text not null,
         holder_oid text not null,
         holder_name text not null,
         template_id text not null,
         template_version integer not null,
         credential_type text not null,
         chuid_guid text not null,
         issued_by text not null,
         updated_at timestamptz not null,
         version integer not null)`,
      `create index cards_holder on cards (holder_oid)`,
      `create table card_events (
         id bigint generated always as identity primary key,
         card_id text not null references cards (card_id),
         at timestamptz not null,
         actor_oid text not null,
         transition text not null,
         from_state text not null,
         to_state text not null,
         version integer not null)`,
      `create index card_events_card on card_events (card_id, id)`,
      `create function card_events_append_only() returns trigger language plpgsql as $$
         begin raise exception 'card events are append-only'; end $$`,
      `create trigger card_events_append_only before update or delete or truncate on card_events
         for each statement execute function card_events_append_only()`,
    ],
  },
  {
    version: 4,
    name: 'cards: holder UPN, serial, public keys, issuer name, issue and loss times',
    statements: [
      `alter table cards add column holder_upn text not null default ''`,
      // YubiKey serials are unsigned 32-bit: too large for integer.
      `alter table cards add column serial bigint`,
      `alter table cards add column keys jsonb not null default '[]'`,
      `alter table cards add column issued_by_name text not null default ''`,
      `alter table cards add column issued_at timestamptz`,
      `alter table cards add column lost_at timestamptz`,
      `create index cards_state on cards (state, updated_at)`,
    ],
  },
  {
    version: 5,
    name: 'published templates, versioned',
    statements: [
      `create table templates (
         kind text not null,
         id text not null,
         version integer not null,
         name text not null,
         body jsonb not null,
         published_at timestamptz not null,
         published_by_oid text not null,
         published_by_name text not null,
         withdrawn boolean not null default false,
         primary key (kind, id, version))`,
    ],
  },
  {
    version: 6,
    name: 'audit rows written pending in their transaction, linked into the chain after commit',
    statements: [
      // `id` is the arrival order; `seq`, `prev_hash` and `hash` stay null until the row is linked.
      `alter table audit drop constraint audit_pkey`,
      `alter table audit add column id bigint generated always as identity primary key`,
      `alter table audit alter column seq drop not null,
         alter column prev_hash drop not null,
         alter column hash drop not null`,
      `alter table audit add constraint audit_seq unique (seq)`,
      `create index audit_pending on audit (id) where seq is null`,
      // Still append-only: the one change allowed is filling in a pending row's place in the chain, once,
      // with its content untouched. Keeping the trigger's name keeps what an owner must disable to tamper.
      `drop trigger audit_append_only on audit`,
      `create or replace function audit_append_only() returns trigger language plpgsql as $$
         begin
           if tg_op = 'UPDATE' then
             if old.seq is null and old.prev_hash is null and old.hash is null
                and new.seq is not null and new.prev_hash is not null and new.hash is not null
                and (new.id, new.at, new.actor_oid, new.actor_name, new.action, new.target_type, new.target_id,
                     new.target_label, new.outcome, new.reason)
                    is not distinct from
                    (old.id, old.at, old.actor_oid, old.actor_name, old.action, old.target_type, old.target_id,
                     old.target_label, old.outcome, old.reason) then
               return new;
             end if;
           end if;
           raise exception 'audit rows are append-only';
         end $$`,
      `create trigger audit_append_only before update or delete on audit
         for each row execute function audit_append_only()`,
      `create trigger audit_no_truncate before truncate on audit
         for each statement execute function audit_append_only()`,
    ],
  },
  {
    version: 7,
    name: "cards: the management key's algorithm, as the card took it at issuance",
    statements: [`alter table cards add column management_key_algorithm text not null default ''`],
  },
  // ---------------------------------------------------------------------------------------------------
  // Branch ss-relay (issue 13): card keys in the relay, self-service nonces and per-holder rate limits.
  {
    version: 8,
    name: 'card master key wrapped by the KEK, self-service challenges, per-holder rate-limit buckets',
    statements: [
      // One row: the tenant's card master key, AES-256-GCM under the key-encryption key (relay/card-keys).
      `create table card_master_key (
         id text primary key check (id = 'current'),
         wrapped text not null,
         iv text not null,
         fingerprint text not null,
         kek_fingerprint text not null,
         source text not null,
         created_at timestamptz not null,
         first_release_at timestamptz)`,
      // Single-use nonces bound to holder, card and purpose (relay/self-service/challenges.ts).
      `create table self_service_challenges (
         id text primary key,
         holder_oid text not null,
         card_id text not null,
         purpose text not null,
         nonce text not null,
         expires_at_ms double precision not null,
         used_at_ms double precision)`,
      `create index self_service_challenges_holder on self_service_challenges (holder_oid, card_id, purpose)`,
      `create index self_service_challenges_expiry on self_service_challenges (expires_at_ms)`,
      `create table self_service_rate (
         caller text primary key,
         tokens double precision not null,
         updated_at_ms double precision not null)`,
    ],
  },
];

// Any constant shared by all instances; pg_advisory_xact_lock takes a bigint.
const MIGRATION_LOCK = 0x6b657977; // "keyw"

/** What {@link migrate} did. */
export interface MigrationResult {
  from: number;
  to: number;
}

/**
 * Brings the schema up to the last of `migrations`.
 *
 * @throws AppError('relay', 'SCHEMA_TOO_NEW', …, { databaseVersion, relayVersion }) for a newer database.
 */
export async function migrate(
  db: Kysely<Schema>,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  const latest = migrations.at(-1)?.version ?? 0;
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
    await sql`create table if not exists schema_version (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now())`.execute(tx);
    const row = await tx
      .selectFrom('schema_version')
      .select((eb) => eb.fn.max('version').as('version'))
      .executeTakeFirst();
    const current = row?.version ?? 0;
    if (current > latest) {
      throw new AppError(
        'relay',
        'SCHEMA_TOO_NEW',
        `The database schema is at version ${current}, newer than this relay's ${latest}: run the newer relay, or point this one at another database.`,
        { databaseVersion: current, relayVersion: latest },
      );
    }
    for (const migration of migrations.filter((m) => m.version > current)) {
      for (const statement of migration.statements) await sql.raw(statement).execute(tx);
      await tx.insertInto('schema_version').values({ version: migration.version, name: migration.name }).execute();
    }
    return { from: current, to: Math.max(current, latest) };
  });
}
