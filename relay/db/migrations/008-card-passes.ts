import type { Migration } from './migration';

/** Issue 14 (revoke on Retire and Lost): the pass Keyward created for a card. */
export const migration008: Migration = {
  version: 8,
  name: 'card passes: the Temporary Access Pass id Keyward created for a card (never its code)',
  statements: [
    // One row per card: a newer pass for the card replaces the older (Graph holds one pass per user anyway).
    `create table card_passes (
       card_id text primary key references cards (card_id),
       tap_id text not null,
       user_oid text not null,
       created_at timestamptz not null,
       created_by_oid text not null,
       created_by_name text not null)`,
  ],
};
