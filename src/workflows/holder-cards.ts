/**
 * The holder's cards as the self-service page lists them (the relay's `GET /api/self-service/cards`),
 * and the PIN rule a new PIN must meet. Loaded once the holder has signed in; the card and reader stack
 * (./self-service.ts) loads only when an action starts.
 */
import type { PinPolicy } from '../cards/pins';
import { listMyCards } from '../relay-api/self-service';
import type { HolderCard } from '../relay-api/self-service-contract';

export { listMyCards };
export type { HolderCard, PinPolicy };

/** The PIN rule for `card`'s new PIN: its template's PIN policy, as the relay lists it with the card. */
export function pinPolicyFor(card: HolderCard): PinPolicy {
  return card.pinPolicy;
}
