import type { Migration } from './migration';

export const migration001: Migration = {
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
};
