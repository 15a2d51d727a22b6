import type { Migration } from './migration';

export const migration005: Migration = {
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
};
