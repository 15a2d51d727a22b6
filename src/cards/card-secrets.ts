/**
 * Where a card's derived admin secrets come from (DESIGN.md "Card keys"). The console asks the relay,
 * which holds the card master key: it releases one card's PUK or management key for an operation that
 * needs it, and answers management-key authentication itself (src/workflows/relay-card-secrets.ts). With
 * a master key in hand (the relay itself, tests) the same derivation runs locally (./admin-secrets.ts).
 */
import type { ManagementKeyAlgorithm } from '../piv/constants';
import { keyResponder, type ManagementKeyResponder } from '../piv/management-key-auth';
import { deriveManagementKey, derivePuk } from './admin-secrets';
import type { CardIdentification } from './card';

/** The card operation a secret is asked for; the relay releases each secret only for the operations that need it. */
export type SecretPurpose = 'issue' | 'unblock' | 'retire';

/** A card's derived admin secrets, asked for one operation at a time. */
export interface CardSecrets {
  /** Answers the card's management-key authentication with its derived key (which stays with the holder of the master key). */
  managementResponder(
    id: CardIdentification,
    algorithm: ManagementKeyAlgorithm,
    purpose: SecretPurpose,
  ): ManagementKeyResponder;
  /** The derived management key itself: only to write it to the card, at issuance. */
  managementKey(id: CardIdentification, algorithm: ManagementKeyAlgorithm): Promise<Uint8Array>;
  /** The card's derived PUK. */
  puk(id: CardIdentification, purpose: SecretPurpose): Promise<string>;
}

/** The secrets derived here from `masterKey` (the same HKDF as the relay's). */
export function masterKeySecrets(masterKey: CryptoKey): CardSecrets {
  return {
    managementResponder: (id, algorithm) => ({
      async answerWitness(encrypted) {
        const key = await deriveManagementKey(masterKey, id.identity, algorithm);
        try {
          return await keyResponder(key, algorithm).answerWitness(encrypted);
        } finally {
          key.fill(0);
        }
      },
    }),
    managementKey: (id, algorithm) => deriveManagementKey(masterKey, id.identity, algorithm),
    puk: (id) => derivePuk(masterKey, id.identity),
  };
}
