import type { Migration } from './migration';

export const migration006: Migration = {
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
};
