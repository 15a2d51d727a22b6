import type { Migration } from './migration';

export const migration007: Migration = {
  version: 7,
  name: "cards: the management key's algorithm, as the card took it at issuance",
  statements: [`alter table cards add column management_key_algorithm text not null default ''`],
};
