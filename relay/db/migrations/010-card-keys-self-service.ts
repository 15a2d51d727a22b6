import type { Migration } from './migration';

/** Issue 13: card keys in the relay, self-service nonces and per-holder rate limits. */
export const migration010: Migration = {
  version: 10,
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
};
