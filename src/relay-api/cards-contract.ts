/** `/api/cards` (with a card's pass), as both sides see it; see contract.ts. */
import { z } from 'zod';
import { line, instant, base64, CardId, Person } from './contract-fields';

export const CARD_STATES = ['blank', 'issued', 'active', 'locked', 'retired'] as const;
export type CardState = (typeof CARD_STATES)[number];

/** Lifecycle transitions and the states they lead from and to. */
export const CARD_TRANSITIONS = {
  // A retired card is factory-fresh again, so it may be issued anew.
  issue: { from: ['blank', 'retired'], to: 'issued' },
  activate: { from: ['issued'], to: 'active' },
  lock: { from: ['active'], to: 'locked' },
  unblock: { from: ['locked'], to: 'active' },
  retire: { from: ['issued', 'active', 'locked'], to: 'retired' },
} as const satisfies Record<string, { from: readonly CardState[]; to: CardState }>;
export type CardTransition = keyof typeof CARD_TRANSITIONS;
const TRANSITION_NAMES = Object.keys(CARD_TRANSITIONS) as [CardTransition, ...CardTransition[]];

/** A key generated on the card at issuance (SP 800-73-4 Part 1 §3.3.2 key references). */
export const CardKey = z.strictObject({
  slot: z.enum(['9a', '9c', '9d', '9e']),
  algorithm: z.enum(['ECCP256', 'ECCP384', 'RSA2048']),
  /** DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), base64. */
  publicKey: base64(2000).min(1),
  /** DER certificate written to the slot, base64, when the template writes one. */
  certificate: base64(12_000).optional(),
});
export type CardKey = z.infer<typeof CardKey>;

/** Management-key (9B) algorithms a card can take (SP 800-78-4 Table 5; AES per Yubico from firmware 5.4). */
export const MANAGEMENT_KEY_ALGORITHMS = ['TDES', 'AES128', 'AES192', 'AES256'] as const;

/** A card as the registry holds it. `version` is what a transition names in `expectedVersion`. */
export const Card = z.object({
  cardId: z.string(),
  state: z.enum(CARD_STATES),
  /** Empty strings while the card is blank or retired. */
  holder: z.object({ oid: z.string(), name: z.string(), upn: z.string() }),
  template: z.object({ id: z.string(), version: z.number() }),
  credentialType: z.string(),
  serial: z.number().nullable(),
  chuidGuid: z.string(),
  keys: z.array(CardKey),
  issuedBy: Person.nullable(),
  issuedAt: z.string().nullable(),
  /** Set when the card was retired as lost or stolen. */
  lostAt: z.string().nullable(),
  /** What the card took for its derived management key at issuance; null when not issued (or issued before it was recorded). */
  managementKeyAlgorithm: z.enum(MANAGEMENT_KEY_ALGORITHMS).nullable(),
  updatedAt: z.string(),
  version: z.number(),
});
export type Card = z.infer<typeof Card>;

/** `POST /api/cards/:cardId/transitions`. */
export const TransitionBody = z.strictObject({
  transition: z.enum(TRANSITION_NAMES),
  /** The version read with GET; 0 for a card the registry does not know. */
  expectedVersion: z.number().int().min(0),
  /** For `issue`: the binding. */
  issue: z
    .strictObject({
      holderOid: line(64).min(1),
      holderName: line(200),
      holderUpn: line(320),
      templateId: line(100).min(1),
      templateVersion: z.number().int().min(1),
      credentialType: z.enum(['yubikey', 'piv']),
      serial: z.number().int().min(0).nullable(),
      chuidGuid: line(64),
      keys: z.array(CardKey).max(4),
      /** The algorithm the card took (asked of it, cards/issue-preconditions.ts); absent from older consoles. */
      managementKeyAlgorithm: z.enum(MANAGEMENT_KEY_ALGORITHMS).optional(),
    })
    .optional(),
  /** For `retire`: the card was reported lost or stolen (retired without the card in hand). */
  lost: z.boolean().optional(),
});
export type TransitionBody = z.infer<typeof TransitionBody>;

/** `GET /api/cards`: a holder's cards, or cards in a state; newest change first. */
export const CardQuery = z.strictObject({
  holder: line(64).optional(),
  state: z.enum(CARD_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type CardQuery = z.input<typeof CardQuery>;

export const CardList = z.object({ cards: z.array(Card) });
export type CardList = z.infer<typeof CardList>;

/** A card from one browser's old IndexedDB registry (src/store/db.ts `RegistryRecord`). */
export const ImportedCard = z.strictObject({
  cardId: CardId,
  state: z.enum(CARD_STATES),
  credentialType: line(20),
  serial: z.number().int().min(0).nullable(),
  holderOid: line(64),
  holderName: line(200),
  holderUpn: line(320),
  templateId: line(100),
  issuedAt: instant.nullable(),
  lostAt: instant.nullable(),
});
export type ImportedCard = z.infer<typeof ImportedCard>;

/** `POST /api/cards/import` (administrators): registers cards the service does not know; never overwrites. */
export const CardImportBody = z.strictObject({ cards: z.array(ImportedCard).max(5000) });
export type CardImportBody = z.infer<typeof CardImportBody>;

export const CardImportResult = z.object({
  imported: z.array(z.string()),
  /** Cards the service already knows: left as they are, listed with the service's record. */
  conflicts: z.array(z.object({ cardId: z.string(), current: Card })),
});
export type CardImportResult = z.infer<typeof CardImportResult>;

/**
 * `PUT /api/cards/:cardId/pass`: the Temporary Access Pass Keyward just created for the card's holder, so
 * that retiring the card (or reporting it lost) can delete it. Its id only: a code is never sent here.
 */
export const CardPassBody = z.strictObject({
  /** Graph's id of the pass (temporaryAccessPassAuthenticationMethod `id`). */
  tapId: line(100).min(1),
  /** The Entra object id of the user the pass is for: the card's holder. */
  userOid: line(64).min(1),
});
export type CardPassBody = z.infer<typeof CardPassBody>;

/** The pass Keyward recorded for a card. */
export const CardPass = z.object({ tapId: z.string(), userOid: z.string(), createdAt: z.string(), createdBy: Person });
export type CardPass = z.infer<typeof CardPass>;

/** `GET /api/cards/:cardId/pass`: the pass recorded for the card since it was last issued, or null. */
export const CardPassAnswer = z.object({ pass: CardPass.nullable() });
export type CardPassAnswer = z.infer<typeof CardPassAnswer>;
