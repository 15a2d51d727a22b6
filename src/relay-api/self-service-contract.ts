/**
 * The relay's self-service API as both sides see it (`/api/self-service/*`, DESIGN.md "Self-service"):
 * the card holder's own cards, a relay nonce for the card to sign, and the three things a holder may do
 * as the card template allows: activate, request a Temporary Access Pass, unblock the PIN.
 *
 * Every route takes the holder's own Entra token (the relay's scope, no app role needed); the holder is
 * the token's `oid`, and guests are refused. Bodies are closed schemas: a stray `pin`, `puk` or `key`
 * field is refused, never stored.
 *
 * Proof of possession: the page asks for a challenge, has the card sign the nonce with the key the
 * challenge names (PIV Authentication 9A after PIN verify, or Card Authentication 9E which needs no PIN)
 * and sends the signature. What the card signs (SP 800-73-4 Part 2 §3.2.4 GENERAL AUTHENTICATE,
 * "internal authenticate" with the challenge data object 81 empty / response 82; SP 800-78-4 Table 6
 * for the algorithm/hash pairs):
 *   ECCP256: ECDSA over SHA-256(nonce), DER `Ecdsa-Sig-Value` (RFC 5480 §2.2; X9.62)
 *   ECCP384: ECDSA over SHA-384(nonce), DER `Ecdsa-Sig-Value`
 *   RSA2048: RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) over SHA-256(nonce): the page pads
 *            00 01 FF…FF 00 ‖ DigestInfo(SHA-256) ‖ digest to 256 bytes and the card applies the raw key.
 */
import { z } from 'zod';
import { CARD_STATES, CardId, line } from './contract';

const base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** What a holder may do to their card. */
export const SELF_SERVICE_PURPOSES = ['activate', 'request-tap', 'unblock'] as const;
export const SelfServicePurpose = z.enum(SELF_SERVICE_PURPOSES);
export type SelfServicePurpose = z.infer<typeof SelfServicePurpose>;

/** The key a challenge must be signed with (SP 800-73-4 Part 1 §3.3.2 key references 9A and 9E). */
export const ProofSlot = z.enum(['9A', '9E']);
export type ProofSlot = z.infer<typeof ProofSlot>;

/** Which key proves the card for each purpose: 9A after PIN verify, 9E (no PIN) to unblock a blocked PIN. */
export const PROOF_SLOT = {
  activate: '9A',
  'request-tap': '9A',
  unblock: '9E',
} as const satisfies Record<SelfServicePurpose, ProofSlot>;

/** Algorithms a recorded proof key may have (contract `CardKey.algorithm`). */
export const ProofAlgorithm = z.enum(['ECCP256', 'ECCP384', 'RSA2048']);
export type ProofAlgorithm = z.infer<typeof ProofAlgorithm>;

/**
 * Every refusal the self-service routes give, besides the token's own (relay/token.ts) and INVALID_BODY.
 * Each has words in src/ui/errors/self-service.ts; each is audited by the relay.
 */
export const SELF_SERVICE_REFUSALS = [
  /** 403: the caller is a guest (or a disabled account) in the tenant. */
  'SELF_SERVICE_GUEST',
  /** 403: the registry has no card of that id held by the caller (another holder's, or unknown). */
  'CARD_NOT_YOURS',
  /** 409: the card is retired (or was reported lost). */
  'CARD_RETIRED',
  /** 409: the card's state does not allow the action (activate only from issued, …). */
  'CARD_STATE_FORBIDS',
  /** 403: the card's template does not allow the action; the message says why. */
  'TEMPLATE_FORBIDS',
  /** 409: the registry recorded no public key in the slot the action needs. */
  'NO_RECORDED_KEY',
  /** 400: the template asks the card to prove itself (*Force authentication*) and no signature came. */
  'PROOF_REQUIRED',
  /** 404: no such challenge for this holder, card and purpose. */
  'CHALLENGE_UNKNOWN',
  /** 409: the challenge expired before it was answered. */
  'CHALLENGE_EXPIRED',
  /** 409: the challenge was already answered once. */
  'CHALLENGE_REPLAYED',
  /** 403: the signature does not verify under the key recorded at issuance. */
  'SIGNATURE_WRONG',
  /** 429: too many self-service requests from this holder; `Retry-After` says when to try again. */
  'HOLDER_RATE_LIMITED',
  /** 409: `/unblocked` without an unblock authorised for this card in the last minutes. */
  'UNBLOCK_NOT_AUTHORISED',
  /** 502: Graph did not say whether the pass was created; never retried. Ask the helpdesk. */
  'TAP_OUTCOME_UNKNOWN',
  /** 409: Graph refused to create the pass (lifetime outside the tenant policy, TAP disabled, …). */
  'TAP_REFUSED',
  /** 503: the relay holds no card keys (no KEK configured), so it cannot authorise an unblock. */
  'CARD_KEYS_UNAVAILABLE',
] as const;
export type SelfServiceRefusal = (typeof SELF_SERVICE_REFUSALS)[number];

// ---------------------------------------------------------------------------------------------------
// GET /api/self-service/cards

/** Whether the template (and the card) let the holder do one thing; `reason` in words when not. */
export const ActionPermission = z.object({
  allowed: z.boolean(),
  /** Why not, for a person; absent when allowed. */
  reason: z.string().optional(),
});
export type ActionPermission = z.infer<typeof ActionPermission>;

/** A card of the signed-in holder, as the self-service page shows it. */
export const HolderCard = z.object({
  cardId: z.string(),
  serial: z.number().nullable(),
  state: z.enum(CARD_STATES),
  template: z.object({ id: z.string(), version: z.number(), name: z.string() }),
  /**
   * The template's PIN policy, which a new PIN (Activate, Unblock my PIN) must meet; the PIV card's own
   * rule (6 to 8 digits, SP 800-73-4 Part 2 §2.4.3) when the template cannot be read.
   */
  pinPolicy: z.object({ minLength: z.number(), maxLength: z.number(), digitsOnly: z.boolean() }),
  /** The proof keys the registry recorded at issuance (their slots and algorithms). */
  proofKeys: z.array(z.object({ slot: ProofSlot, algorithm: ProofAlgorithm })),
  actions: z.object({
    activate: ActionPermission,
    requestTap: ActionPermission.extend({
      /** *Force authentication*: the card must sign a nonce (9A after PIN verify); the pass goes by email only. */
      forceAuthentication: z.boolean(),
      /** The pass may be shown on the page (never with *Force authentication*). */
      showCode: z.boolean(),
      /** The pass is sent by the template's email. */
      deliverByEmail: z.boolean(),
    }),
    unblock: ActionPermission,
  }),
});
export type HolderCard = z.infer<typeof HolderCard>;

export const HolderCardList = z.object({ cards: z.array(HolderCard) });
export type HolderCardList = z.infer<typeof HolderCardList>;

// ---------------------------------------------------------------------------------------------------
// POST /api/self-service/challenge

export const ChallengeBody = z.strictObject({ cardId: CardId, purpose: SelfServicePurpose });
export type ChallengeBody = z.infer<typeof ChallengeBody>;

/** A single-use nonce bound to the holder, the card and the purpose; short-lived (two minutes). */
export const Challenge = z.object({
  challengeId: z.string(),
  /** The bytes the card signs, base64 (32 random bytes). */
  nonce: z.string(),
  expiresAt: z.string(),
  slot: ProofSlot,
  /** The recorded key's algorithm: how to sign (see the header) and how long the signature is. */
  algorithm: ProofAlgorithm,
});
export type Challenge = z.infer<typeof Challenge>;

/** A challenge answered: its id and the card's signature, base64 (DER ECDSA or a 256-byte RSA block). */
const Proof = {
  challengeId: line(64).min(1),
  signature: base64(1024).min(1),
};

// ---------------------------------------------------------------------------------------------------
// POST /api/self-service/activate

export const ActivateBody = z.strictObject({ cardId: CardId, ...Proof });
export type ActivateBody = z.infer<typeof ActivateBody>;

/** What followed an action: a pass created by the relay and the emails sent, never the code itself. */
export const TapFollowUp = z.object({
  tapCreated: z.boolean(),
  /** The emails sent at once went to the holder (at least one, none failed); held ones are in `held`. */
  emailed: z.boolean(),
  /**
   * Names of the emails not sent because their template's *Send email automatically* is off
   * (src/relay-api/tap-rules.ts): the page says so; nobody sends them later.
   */
  held: z.array(z.string()),
  /** What stopped the pass or an email, as a relay error code with its message (describeError words). */
  problem: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type TapFollowUp = z.infer<typeof TapFollowUp>;

export const ActivateResult = z.object({
  card: HolderCard,
  /** Null when the template does not have the system generate a pass at activation. */
  tap: TapFollowUp.nullable(),
});
export type ActivateResult = z.infer<typeof ActivateResult>;

// ---------------------------------------------------------------------------------------------------
// POST /api/self-service/request-tap

/** With *Force authentication* the proof is required; without it, it is not asked for. */
export const RequestTapBody = z.strictObject({
  cardId: CardId,
  challengeId: Proof.challengeId.optional(),
  signature: Proof.signature.optional(),
});
export type RequestTapBody = z.infer<typeof RequestTapBody>;

export const RequestTapResult = z.object({
  /** The pass, only when the template shows the code (never with *Force authentication*). */
  temporaryAccessPass: z.string().nullable(),
  emailed: z.boolean(),
  /** The Deliver email's name when it was held (not sent automatically) while the code is shown. */
  held: z.array(z.string()),
  lifetimeInMinutes: z.number(),
  isUsableOnce: z.boolean(),
  startDateTime: z.string(),
  /** Why the email did not go, when the template delivers and it failed. */
  problem: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type RequestTapResult = z.infer<typeof RequestTapResult>;

// ---------------------------------------------------------------------------------------------------
// POST /api/self-service/unblock and /unblocked

export const UnblockBody = z.strictObject({ cardId: CardId, ...Proof });
export type UnblockBody = z.infer<typeof UnblockBody>;

/** The card's derived PUK, released for this one unblock (audited): the page runs RESET RETRY COUNTER. */
export const UnblockRelease = z.object({ cardId: z.string(), puk: z.string().regex(/^\d{8}$/) });
export type UnblockRelease = z.infer<typeof UnblockRelease>;

/** The holder set a new PIN: the registry records the card active again. */
export const UnblockedBody = z.strictObject({ cardId: CardId });
export type UnblockedBody = z.infer<typeof UnblockedBody>;
