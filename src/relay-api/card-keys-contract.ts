/**
 * The relay's card-key API (`/api/card-keys`, DESIGN.md "Card keys") as both sides see it. The card
 * master key lives in the relay; a browser receives one card's derived secret only for an operation
 * that needs it, and can have the relay answer management-key authentication instead of holding the key.
 */
import { z } from 'zod';
import { MANAGEMENT_KEY_ALGORITHMS } from './contract';

const base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** `GET /api/card-keys/master-key` (administrators): which key the relay holds, never the key. */
export const MasterKeyStatus = z.object({
  /** The same fingerprint the Security screen shows for a browser's key. */
  fingerprint: z.string(),
  source: z.enum(['generated', 'imported']),
  createdAt: z.string(),
  /** A derived secret was released under it, so an import can no longer replace it. */
  used: z.boolean(),
});
export type MasterKeyStatus = z.infer<typeof MasterKeyStatus>;

/** `POST /api/card-keys/master-key/import` (administrators, once): today's key file from the Security screen. */
export const MasterKeyImportBody = z.strictObject({
  /** The file's text (src/workflows/master-key-file.ts, `keyward-card-master-key` version 1). */
  keyFile: z.string().min(1).max(4000),
  passphrase: z.string().min(1).max(1000),
});
export type MasterKeyImportBody = z.infer<typeof MasterKeyImportBody>;

export const MasterKeyImportResult = z.object({ status: MasterKeyStatus, replaced: z.boolean() });
export type MasterKeyImportResult = z.infer<typeof MasterKeyImportResult>;

/**
 * Card operations that may need a derived secret, and which secrets each may receive. The management key
 * itself leaves the relay only to be written to a card, at issuance; every other operation authenticates
 * as the card's administrator through `/management-auth`, where the relay answers from the witness.
 */
export const SECRET_RELEASES = {
  issue: ['management-key', 'puk'],
  unblock: ['puk'],
  retire: ['puk'],
} as const;
export type SecretOperation = keyof typeof SECRET_RELEASES;
const SecretOperation = z.enum(Object.keys(SECRET_RELEASES) as [SecretOperation, ...SecretOperation[]]);
export const DerivedSecret = z.enum(['management-key', 'puk']);
export type DerivedSecret = z.infer<typeof DerivedSecret>;

/**
 * What names the card a secret is for, besides its id. Issuance asks before the registry knows the card
 * (it records it only once every card step is verified), so for a card Keyward gives a CHUID (card id
 * `chuid:<FASC-N>`) the GUID of that CHUID, part of what the secrets derive from, comes with the request.
 */
const forCard = {
  /** The card's management-key algorithm: needed where the registry has none for it (issuance, older records). */
  algorithm: z.enum(MANAGEMENT_KEY_ALGORITHMS).optional(),
  /** For `issue` of a `chuid:` card: its CHUID's GUID (hex, dashes allowed). */
  chuidGuid: z
    .string()
    .max(64)
    .regex(/^[0-9a-fA-F-]+$/, 'must be hex')
    .optional(),
};

/** `POST /api/card-keys/:cardId/release` (operators): one derived secret for one operation on a card. */
export const ReleaseBody = z.strictObject({ operation: SecretOperation, secret: DerivedSecret, ...forCard });
export type ReleaseBody = z.infer<typeof ReleaseBody>;

/** The released management key (base64) and the algorithm it is for. */
export const ReleasedManagementKey = z.object({
  secret: z.literal('management-key'),
  algorithm: z.enum(MANAGEMENT_KEY_ALGORITHMS),
  key: z.string(),
});
/** The released PUK (8 digits). */
export const ReleasedPuk = z.object({ secret: z.literal('puk'), puk: z.string().regex(/^\d{8}$/) });
export const ReleasedSecret = z.union([ReleasedManagementKey, ReleasedPuk]);
export type ReleasedSecret = z.infer<typeof ReleasedSecret>;

/**
 * `POST /api/card-keys/:cardId/management-auth` (operators), for `operation` (any operation on a
 * registered card when absent): the relay answers the card's GENERAL AUTHENTICATE for key 9B (SP 800-73-4 Part 2 §3.2.4, Appendix A.1.2/A.1.3; src/piv/management-key.ts)
 * with the card's derived management key, which stays in the relay.
 * - mutual: `witness` is the card's 80 element E(K, W); the answer has W, a challenge C for the 81
 *   element, and E(K, C), which the card's 82 element must equal.
 * - external: `challenge` is the card's 81 element C; the answer has E(K, C) for the 82 element.
 */
export const ManagementAuthBody = z.union([
  z.strictObject({ witness: base64(64).min(1), operation: SecretOperation.optional(), ...forCard }),
  z.strictObject({ challenge: base64(64).min(1), operation: SecretOperation.optional(), ...forCard }),
]);
export type ManagementAuthBody = z.infer<typeof ManagementAuthBody>;

/** The answer to a witness (mutual authentication). */
export const WitnessAnswer = z.object({ witness: z.string(), challenge: z.string(), expectedResponse: z.string() });
export const ManagementAuthAnswer = z.union([WitnessAnswer, z.object({ response: z.string() })]);
export type ManagementAuthAnswer = z.infer<typeof ManagementAuthAnswer>;
