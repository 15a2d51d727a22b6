import type { Migration } from './migration';

export const migration003: Migration = {
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
};
