/**
 * The cards' derived admin secrets as the console gets them: from the relay, which holds the card master
 * key (DESIGN.md "Card keys"). The relay answers the card's management-key authentication itself, so the
 * management key reaches the page only to be written to a card at issuance; the PUK comes for one
 * operation on one card. The relay checks the caller's role and the card's state, and audits each release.
 */
import { fromBase64, toBase64 } from '../bytes';
import type { CardIdentification } from '../cards/card';
import type { CardSecrets } from '../cards/card-secrets';
import { relayAnswerWitness, releaseManagementKey, releasePuk } from '../relay-api/card-keys';
import type { RelayEndpoint } from '../relay-api/request';

/** What names the card to the relay besides its id: the CHUID's GUID for a card identified by its CHUID. */
const naming = (id: CardIdentification) => ('chuidGuid' in id.identity ? { chuidGuid: id.identity.chuidGuid } : {});

/** `CardSecrets` answered by `relay` as the signed-in operator. */
export function relayCardSecrets(relay: RelayEndpoint): CardSecrets {
  return {
    managementResponder: (id, algorithm, operation) => ({
      async answerWitness(encrypted) {
        const body = { witness: toBase64(encrypted), operation, algorithm, ...naming(id) };
        const answer = await relayAnswerWitness(relay, id.cardId, body);
        return {
          witness: fromBase64(answer.witness),
          challenge: fromBase64(answer.challenge),
          expectedResponse: fromBase64(answer.expectedResponse),
        };
      },
    }),
    managementKey: async (id, algorithm) =>
      fromBase64(await releaseManagementKey(relay, id.cardId, { operation: 'issue', algorithm, ...naming(id) })),
    puk: (id, operation) => releasePuk(relay, id.cardId, { operation, ...naming(id) }),
  };
}
