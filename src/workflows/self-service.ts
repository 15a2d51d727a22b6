/**
 * What the card holder does on the self-service page (DESIGN.md "Self-service"), each an orchestration of
 * the relay's self-service routes (src/relay-api/self-service.ts) and the card steps
 * (src/cards/self-service-steps.ts):
 * - the relay is asked for a challenge first, so a refusal (template, state, not yours) comes before the
 *   card is touched;
 * - a card that changes (activate, unblock) must be the card the holder chose: its id is read from the
 *   card and compared before anything is written;
 * - the card's answer goes back to the relay, which checks it against the key recorded at issuance.
 * The pass (when shown) and the released PUK stay in memory for the one step that needs them.
 * This module and what it imports load only when the holder starts an action.
 */
import { fromBase64, toBase64 } from '../bytes';
import { identifyCard, openCard, type CardHandle } from '../cards/card';
import type { PinPolicy } from '../cards/pins';
import { checkRepeatedPin } from './lifecycle/inspect';
import {
  activateOnCard,
  proveWithoutPin,
  proveWithPin,
  setPinAfterUnblock,
  type NonceToSign,
} from '../cards/self-service-steps';
import {
  activateMyCard,
  authoriseUnblock,
  listMyCards,
  recordUnblocked,
  requestChallenge,
  requestMyTap,
} from '../relay-api/self-service';
import type {
  ActivateResult,
  Challenge,
  HolderCard,
  RequestTapResult,
  SelfServicePurpose,
} from '../relay-api/self-service-contract';
import type { RelayEndpoint } from '../relay-api/request';
import type { CardTransport } from '../cards/readers';
import { layerErrors } from '../app-error';

export type { ActivateResult, HolderCard, RequestTapResult } from '../relay-api/self-service-contract';
export { listMyCards };

/** Codes this module raises (words in src/ui/errors/self-service.ts). */
export type SelfServiceErrorCode = 'NOT_THE_CHOSEN_CARD';
const selfServiceError = layerErrors<SelfServiceErrorCode>('workflows');

/** The card in the reader, opened and checked to be `card` (the one the holder chose in the list). */
async function openChosenCard(transport: CardTransport, card: HolderCard): Promise<CardHandle> {
  const handle = await openCard(transport);
  const id = await identifyCard(handle);
  if (id?.cardId !== card.cardId)
    throw selfServiceError('NOT_THE_CHOSEN_CARD', 'The card in the reader is not the card chosen.', {
      serial: card.serial,
    });
  return handle;
}

async function challengeFor(relay: RelayEndpoint, card: HolderCard, purpose: SelfServicePurpose) {
  const challenge = await requestChallenge(relay, { cardId: card.cardId, purpose });
  return { challenge, toSign: nonceOf(challenge) };
}

function nonceOf(challenge: Challenge): NonceToSign {
  return { nonce: fromBase64(challenge.nonce), slot: challenge.slot, algorithm: challenge.algorithm };
}

/** What the holder typed to activate their card. */
export interface ActivateInput {
  readonly activationPin: string;
  readonly newPin: string;
  readonly repeatedPin: string;
  readonly policy: PinPolicy;
}

/** Activates `card` (in the reader behind `transport`): the relay records it Active and does what the template says. */
export async function activate(
  relay: RelayEndpoint,
  transport: CardTransport,
  card: HolderCard,
  input: ActivateInput,
): Promise<ActivateResult> {
  // Before anything is asked of the relay or the card: typed the same twice, within the policy.
  checkRepeatedPin(input.newPin, input.repeatedPin, input.policy);
  const { challenge, toSign } = await challengeFor(relay, card, 'activate');
  const handle = await openChosenCard(transport, card);
  const signature = await activateOnCard(handle.session, input, toSign);
  return activateMyCard(relay, {
    cardId: card.cardId,
    challengeId: challenge.challengeId,
    signature: toBase64(signature),
  });
}

/**
 * Asks for a pass for `card`. With *Force authentication* the card in the reader proves it (PIN, then
 * 9A signs the relay's nonce) and `proof` is required; without it nothing is asked of the card.
 */
export async function requestTap(
  relay: RelayEndpoint,
  card: HolderCard,
  proof?: { readonly transport: CardTransport; readonly pin: string },
): Promise<RequestTapResult> {
  if (!card.actions.requestTap.forceAuthentication || !proof) return requestMyTap(relay, { cardId: card.cardId });
  const { challenge, toSign } = await challengeFor(relay, card, 'request-tap');
  // The relay, not this page, decides whether the card is the registry's: its signature is checked there.
  const handle = await openCard(proof.transport);
  const signature = await proveWithPin(handle.session, proof.pin, toSign);
  return requestMyTap(relay, {
    cardId: card.cardId,
    challengeId: challenge.challengeId,
    signature: toBase64(signature),
  });
}

/** What the holder typed to unblock their PIN. */
export interface UnblockInput {
  readonly newPin: string;
  readonly repeatedPin: string;
  readonly policy: PinPolicy;
}

/**
 * Unblocks `card`'s PIN: 9E proves the card (no PIN), the relay releases the PUK for this unblock, RESET
 * RETRY COUNTER sets the new PIN, and the relay records the card Active again.
 */
export async function unblock(
  relay: RelayEndpoint,
  transport: CardTransport,
  card: HolderCard,
  input: UnblockInput,
): Promise<HolderCard> {
  // Before anything is asked of the relay or the card: typed the same twice, within the policy.
  checkRepeatedPin(input.newPin, input.repeatedPin, input.policy);
  const { challenge, toSign } = await challengeFor(relay, card, 'unblock');
  const handle = await openChosenCard(transport, card);
  const signature = await proveWithoutPin(handle.session, toSign);
  const { puk } = await authoriseUnblock(relay, {
    cardId: card.cardId,
    challengeId: challenge.challengeId,
    signature: toBase64(signature),
  });
  await setPinAfterUnblock(handle.session, puk, input.newPin, input.policy);
  return recordUnblocked(relay, card.cardId);
}
