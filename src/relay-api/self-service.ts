/**
 * The self-service page's client for the relay (`/api/self-service/*`, ./self-service-contract.ts): the
 * holder's own cards, a challenge for the card to sign, and activate / request a pass / unblock. Every
 * call carries the holder's own token; a refusal is `AppError('relay-api', code)` with one of the
 * contract's `SELF_SERVICE_REFUSALS` (or a token code), which `describeError` puts into words.
 *
 * A pass (when the template shows it) and a released PUK arrive in answers only: callers keep them in
 * memory for the one step that needs them, never in storage or logs.
 */
import { relayCall, type RelayEndpoint } from './request';
import {
  ActivateResult,
  Challenge,
  HolderCard,
  HolderCardList,
  RequestTapResult,
  UnblockRelease,
  type ActivateBody,
  type ChallengeBody,
  type RequestTapBody,
  type UnblockBody,
} from './self-service-contract';

const BASE = '/api/self-service';

/**
 * How long the page waits for an action that may create a pass and send email: longer than the relay's
 * own Graph and SMTP deadlines, so the relay's verdict arrives.
 */
export const SELF_SERVICE_ANSWER_DEADLINE_MS = 60_000;

/** The signed-in holder's cards, with what each card's template lets them do. */
export async function listMyCards(relay: RelayEndpoint): Promise<HolderCard[]> {
  return (await relayCall(relay, { path: `${BASE}/cards`, answer: HolderCardList })).cards;
}

/** A fresh single-use nonce for `purpose` on `cardId`, and the slot and algorithm to sign it with. */
export function requestChallenge(relay: RelayEndpoint, body: ChallengeBody): Promise<Challenge> {
  return relayCall(relay, { path: `${BASE}/challenge`, body, answer: Challenge });
}

/** Records the card active (its 9A key signed the challenge after PIN verify); says what followed. */
export function activateMyCard(relay: RelayEndpoint, body: ActivateBody): Promise<ActivateResult> {
  return relayCall(relay, {
    path: `${BASE}/activate`,
    body,
    timeoutMs: SELF_SERVICE_ANSWER_DEADLINE_MS,
    answer: ActivateResult,
  });
}

/** Asks the relay for a Temporary Access Pass as the template allows (with its proof under *Force authentication*). */
export function requestMyTap(relay: RelayEndpoint, body: RequestTapBody): Promise<RequestTapResult> {
  return relayCall(relay, {
    path: `${BASE}/request-tap`,
    body,
    timeoutMs: SELF_SERVICE_ANSWER_DEADLINE_MS,
    answer: RequestTapResult,
  });
}

/** The card's PUK for this one unblock (its 9E key signed the challenge); the caller resets the PIN with it. */
export function authoriseUnblock(relay: RelayEndpoint, body: UnblockBody): Promise<UnblockRelease> {
  return relayCall(relay, { path: `${BASE}/unblock`, body, answer: UnblockRelease });
}

/** Records that the holder set a new PIN after an authorised unblock: the card is active again. */
export function recordUnblocked(relay: RelayEndpoint, cardId: string): Promise<HolderCard> {
  return relayCall(relay, { path: `${BASE}/unblocked`, body: { cardId }, answer: HolderCard });
}
