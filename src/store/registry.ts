/**
 * The credential registry: which card belongs to whom, under which template, in which lifecycle state
 * (DESIGN.md "The card model"). Only secret-free facts live here; lifecycle workflows write a state only
 * after the card work behind it has been verified on the card.
 */
import { openKeywardDb, type CardState, type RegistryRecord } from './db';

export type { CardState, RegistryRecord } from './db';

/** The record of `cardId`, or undefined when the card was never registered. */
export async function getCard(cardId: string): Promise<RegistryRecord | undefined> {
  return (await openKeywardDb()).get('registry', cardId);
}

/** Every card registered to the Entra user `userId` (any state). */
export async function cardsOfUser(userId: string): Promise<RegistryRecord[]> {
  return (await openKeywardDb()).getAllFromIndex('registry', 'userId', userId);
}

/** Every card this browser's registry holds (an older Keyward's, uploaded once to the relay). */
export async function allCards(): Promise<RegistryRecord[]> {
  return (await openKeywardDb()).getAll('registry');
}

/** Every card in `state`. */
export async function cardsInState(state: CardState): Promise<RegistryRecord[]> {
  return (await openKeywardDb()).getAllFromIndex('registry', 'state', state);
}

/** Writes (inserts or replaces) a card's record. */
export async function putCard(record: RegistryRecord): Promise<void> {
  await (await openKeywardDb()).put('registry', { ...record });
}

/**
 * Moves the record of `from` to `to` (one transaction) and returns it; undefined, and nothing changed,
 * when `from` has no record or `to` already has one.
 */
export async function renameCard(from: string, to: string): Promise<RegistryRecord | undefined> {
  const tx = (await openKeywardDb()).transaction('registry', 'readwrite');
  const [record, taken] = await Promise.all([tx.store.get(from), tx.store.get(to)]);
  if (!record || taken) {
    await tx.done;
    return undefined;
  }
  const moved = { ...record, cardId: to };
  await Promise.all([tx.store.delete(from), tx.store.put(moved), tx.done]);
  return moved;
}
