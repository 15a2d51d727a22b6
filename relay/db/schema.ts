/**
 * The relay database's tables as Kysely sees them. relay/db/migrations.ts creates them; a column's type
 * here is what both drivers (pg and PGlite, set up alike in relay/db/connect.ts) return for it:
 * `bigint` as a decimal string, `timestamptz` as a Date, `jsonb` parsed.
 */
import type { ColumnType, Generated } from 'kysely';

/** One applied migration. */
export interface SchemaVersionTable {
  version: number;
  name: string;
  applied_at: Generated<Date>;
}

/** `POST /api/mail` idempotency keys (relay/mail/idempotency-db.ts). */
export interface MailIdempotencyTable {
  caller: string;
  key: string;
  fingerprint: string;
  /** Milliseconds since the epoch, on the relay's clock. */
  expires_at_ms: number;
  /** Set once the first request finished; null while it runs. */
  status: number | null;
  body: ColumnType<unknown, string | null, string | null>;
}

/** Per-operator token buckets for mail (relay/mail/rate-limit-db.ts). */
export interface MailRateTable {
  caller: string;
  tokens: number;
  updated_at_ms: number;
}

/**
 * The hash-chained audit trail (relay/audit/chain.ts). Rows are only ever inserted, pending; linking
 * fills in `seq`, `prev_hash` and `hash` once, and nothing else is ever changed.
 */
export interface AuditTable {
  /** Arrival order: the order in which pending rows are linked. */
  id: ColumnType<string, never, never>;
  /** 1, 2, 3, … without gaps: assigned under the chain's lock when the row is linked; null while pending. */
  seq: ColumnType<string | null, string | undefined, string>;
  at: ColumnType<Date, Date, never>;
  actor_oid: ColumnType<string, string, never>;
  actor_name: ColumnType<string, string, never>;
  action: ColumnType<string, string, never>;
  target_type: ColumnType<string, string, never>;
  target_id: ColumnType<string, string, never>;
  target_label: ColumnType<string, string, never>;
  outcome: ColumnType<string, string, never>;
  reason: ColumnType<string, string, never>;
  /** Hex SHA-256 of the previous row (64 zeros for the first); null while pending. */
  prev_hash: ColumnType<string | null, string | undefined, string>;
  /** Hex `sha256(prev_hash ‖ canonical row)`; null while pending. */
  hash: ColumnType<string | null, string | undefined, string>;
}

/** The card registry (relay/cards/registry.ts): one row per card, changed only by compare-and-set. */
export interface CardsTable {
  card_id: string;
  state: string;
  /** Entra object id of the holder; empty while the card is blank or retired. */
  holder_oid: string;
  holder_name: string;
  template_id: string;
  template_version: number;
  credential_type: string;
  chuid_guid: string;
  issued_by: string;
  updated_at: Date;
  /** Incremented by every transition; a transition names the version it read. */
  version: number;
  holder_upn: string;
  /** The YubiKey serial (bigint: a decimal string), null for cards without one. */
  serial: string | null;
  /** The keys generated on the card at issuance (contract `CardKey[]`): public keys and certificates. */
  keys: ColumnType<unknown, string, string>;
  issued_by_name: string;
  issued_at: Date | null;
  /** Set when the card was retired as lost or stolen. */
  lost_at: Date | null;
  /** TDES, AES128, AES192 or AES256: what the card took for its derived management key; '' when not issued. */
  management_key_algorithm: ColumnType<string, string | undefined, string>;
}

/** Every card transition, append-only. */
export interface CardEventsTable {
  id: Generated<string>;
  card_id: string;
  at: Date;
  actor_oid: string;
  transition: string;
  from_state: string;
  to_state: string;
  version: number;
}

/** Published templates (relay/templates/store.ts): one row per (kind, id, version), never deleted. */
export interface TemplatesTable {
  kind: string;
  id: string;
  version: number;
  name: string;
  /** The template record (src/relay-api/template-schemas.ts), as published. */
  body: ColumnType<Record<string, unknown>, string, never>;
  published_at: Date;
  published_by_oid: string;
  published_by_name: string;
  withdrawn: boolean;
}

/** The card master key, wrapped by the KEK (relay/card-keys/master-key-store.ts); one row, id 'current'. */
export interface CardMasterKeyTable {
  id: string;
  /** AES-256-GCM ciphertext with its tag, base64. */
  wrapped: string;
  iv: string;
  /** The browser's fingerprint of the key (src/cards/admin-secrets.ts `masterKeyFingerprint`). */
  fingerprint: string;
  /** Names the KEK that wraps it (not secret: hex of SHA-256 over a label and the KEK, first 8 bytes). */
  kek_fingerprint: string;
  /** `generated` by the relay, or `imported` from an administrator's key file. */
  source: string;
  created_at: Date;
  /** The first derived secret released under it; a generated key used once is never replaced by import. */
  first_release_at: Date | null;
}

/** Self-service nonces (relay/self-service/challenges.ts): single use, short-lived. */
export interface SelfServiceChallengesTable {
  id: string;
  holder_oid: string;
  card_id: string;
  purpose: string;
  /** The nonce, base64 (not secret: the card signs it in the open). */
  nonce: string;
  expires_at_ms: number;
  used_at_ms: number | null;
}

/** Every table. */
export interface Schema {
  schema_version: SchemaVersionTable;
  mail_idempotency: MailIdempotencyTable;
  mail_rate: MailRateTable;
  self_service_rate: MailRateTable;
  card_master_key: CardMasterKeyTable;
  self_service_challenges: SelfServiceChallengesTable;
  audit: AuditTable;
  cards: CardsTable;
  card_events: CardEventsTable;
  templates: TemplatesTable;
}
