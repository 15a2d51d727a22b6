import type { Migration } from './migration';

/** Batch TAP (issue 17). */
export const migration009: Migration = {
  version: 9,
  name: 'Batch TAP: batches and their items, one open batch per group',
  statements: [
    `create table tap_batches (
       batch_id text primary key,
       source_kind text not null,
       source_id text not null,
       source_label text not null,
       template_id text,
       state text not null,
       created_by_oid text not null,
       created_by_name text not null,
       created_at timestamptz not null,
       updated_at timestamptz not null)`,
    // A group has at most one batch that is running or paused: two would create passes twice.
    `create unique index tap_batches_one_open_per_group on tap_batches (source_id)
       where source_kind = 'group' and state in ('running', 'paused')`,
    `create table tap_batch_items (
       batch_id text not null references tap_batches (batch_id),
       user_id text not null,
       position integer not null,
       upn text not null,
       display_name text not null,
       status text not null,
       attempt_at timestamptz,
       pass_id text,
       start_date_time text,
       delivered boolean not null default false,
       error text,
       skip_code text,
       plan jsonb,
       primary key (batch_id, user_id))`,
  ],
};
