import type { Migration } from './migration';

export const migration004: Migration = {
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
};
