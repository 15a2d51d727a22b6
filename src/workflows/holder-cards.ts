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

/**
 * The PIN rule for `card`'s new PIN. The relay's card list does not carry the template's PIN policy, so
 * this is the PIV card's own rule (SP 800-73-4 Part 2 §2.4.3: 6 to 8 digits), which every template's
 * policy lies within.
 */
export function pinPolicyFor(_card: HolderCard): PinPolicy {
  return { minLength: 6, maxLength: 8, digitsOnly: true };
}
