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

/** How the opened card signs the relay's nonce (a step of src/cards/self-service-steps.ts). */
type Sign = (session: CardHandle['session'], toSign: NonceToSign) => Promise<Uint8Array>;

/** The card's answer to a challenge, as the relay checks it. */
interface CardProof {
  readonly cardId: string;
  readonly challengeId: string;
  readonly signature: string;
}

/**
 * Has the card prove itself for `purpose`: the relay is asked for a challenge first (so its refusal comes
 * before the card is touched), then `open` gives the card in the reader and `sign` has it sign the nonce.
 */
async function proveCard(
  relay: RelayEndpoint,
  card: HolderCard,
  purpose: SelfServicePurpose,
  open: () => Promise<CardHandle>,
  sign: Sign,
): Promise<{ handle: CardHandle; proof: CardProof }> {
  const challenge = await requestChallenge(relay, { cardId: card.cardId, purpose });
  const handle = await open();
  const signature = await sign(handle.session, nonceOf(challenge));
  return { handle, proof: { cardId: card.cardId, challengeId: challenge.challengeId, signature: toBase64(signature) } };
}

function nonceOf(challenge: Challenge): NonceToSign {
  return { nonce: fromBase64(challenge.nonce), slot: challenge.slot, algorithm: challenge.algorithm };
}

/** The new PIN the holder typed twice, and the template's policy for it. */
interface NewPin {
  readonly newPin: string;
  readonly repeatedPin: string;
  readonly policy: PinPolicy;
}

/**
 * {@link proveCard} for an action that sets a new PIN on the card the holder chose: before anything is
 * asked of the relay or the card, the new PIN is typed the same twice and within the policy; the card in
 * the reader must then be `card`.
 */
function proveChosenCard(
  relay: RelayEndpoint,
  transport: CardTransport,
  card: HolderCard,
  purpose: 'activate' | 'unblock',
  input: NewPin,
  sign: Sign,
) {
  checkRepeatedPin(input.newPin, input.repeatedPin, input.policy);
  return proveCard(relay, card, purpose, () => openChosenCard(transport, card), sign);
}

/** What the holder typed to activate their card. */
export interface ActivateInput extends NewPin {
  readonly activationPin: string;
}

/** Activates `card` (in the reader behind `transport`): the relay records it Active and does what the template says. */
export async function activate(
  relay: RelayEndpoint,
  transport: CardTransport,
  card: HolderCard,
  input: ActivateInput,
): Promise<ActivateResult> {
  const sign: Sign = (session, toSign) => activateOnCard(session, input, toSign);
  const { proof } = await proveChosenCard(relay, transport, card, 'activate', input, sign);
  return activateMyCard(relay, proof);
}

/**
 * Asks for a pass for `card`. With *Force authentication* the card in the reader proves it (PIN, then
 * 9A signs the relay's nonce) and `withCard` is required; without it nothing is asked of the card.
 */
export async function requestTap(
  relay: RelayEndpoint,
  card: HolderCard,
  withCard?: { readonly transport: CardTransport; readonly pin: string },
): Promise<RequestTapResult> {
  if (!card.actions.requestTap.forceAuthentication || !withCard) return requestMyTap(relay, { cardId: card.cardId });
  // The relay, not this page, decides whether the card is the registry's: its signature is checked there.
  const { proof } = await proveCard(
    relay,
    card,
    'request-tap',
    () => openCard(withCard.transport),
    (session, toSign) => proveWithPin(session, withCard.pin, toSign),
  );
  return requestMyTap(relay, proof);
}

/** What the holder typed to unblock their PIN. */
export type UnblockInput = NewPin;

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
  const { handle, proof } = await proveChosenCard(relay, transport, card, 'unblock', input, proveWithoutPin);
  const { puk } = await authoriseUnblock(relay, proof);
  await setPinAfterUnblock(handle.session, puk, input.newPin, input.policy);
  return recordUnblocked(relay, card.cardId);
}
