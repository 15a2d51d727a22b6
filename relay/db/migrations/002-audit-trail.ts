import type { Migration } from './migration';

export const migration002: Migration = {
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
};
