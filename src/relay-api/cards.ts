/**
 * The browser's client for the card registry (`/api/cards`): read a card with its row version, apply a
 * lifecycle transition as a compare-and-set on that version, list a holder's cards, upload an old
 * browser registry, record and read the pass Keyward created for a card (its id, never its code). A lost race raises `AppError('relay-api', 'CARD_CHANGED_ELSEWHERE')` with the card
 * as it is now in `fields.current`.
 */
import { isAppError } from '../app-error';
import {
  Card,
  CardImportResult,
  CardList,
  CardPass,
  CardPassAnswer,
  type CardPassBody,
  type CardQuery,
  type ImportedCard,
  type TransitionBody,
} from './contract';
import { relayCall, type RelayEndpoint } from './request';

const cardPath = (cardId: string) => `/api/cards/${encodeURIComponent(cardId)}`;

/** The registry's record of `cardId`, or null when the service has never heard of the card. */
export async function fetchCard(relay: RelayEndpoint, cardId: string): Promise<Card | null> {
  try {
    return await relayCall(relay, { path: cardPath(cardId), answer: Card });
  } catch (e) {
    if (isAppError(e, 'relay-api', 'CARD_NOT_REGISTERED')) return null;
    throw e;
  }
}

/** A holder's cards, or the cards in a state; newest change first. */
export async function listCards(relay: RelayEndpoint, query: CardQuery): Promise<Card[]> {
  return (await relayCall(relay, { path: '/api/cards', query, answer: CardList })).cards;
}

/** Applies one transition; the answer is the card as the service now holds it. */
export function transitionCard(relay: RelayEndpoint, cardId: string, body: TransitionBody): Promise<Card> {
  return relayCall(relay, { path: `${cardPath(cardId)}/transitions`, body, answer: Card });
}

/** Uploads one browser's old registry (administrators); cards the service knows are listed, never changed. */
export function importCards(relay: RelayEndpoint, cards: readonly ImportedCard[]): Promise<CardImportResult> {
  return relayCall(relay, { path: '/api/cards/import', body: { cards }, answer: CardImportResult });
}

/** Records the pass Keyward just created for the card's holder (its id, never its code); the answer is the record. */
export function recordCardPass(relay: RelayEndpoint, cardId: string, body: CardPassBody): Promise<CardPass> {
  return relayCall(relay, { method: 'PUT', path: `${cardPath(cardId)}/pass`, body, answer: CardPass });
}

/** The pass Keyward recorded for the card since it was last issued, or null. */
export async function fetchCardPass(relay: RelayEndpoint, cardId: string): Promise<CardPass | null> {
  return (await relayCall(relay, { path: `${cardPath(cardId)}/pass`, answer: CardPassAnswer })).pass;
}
