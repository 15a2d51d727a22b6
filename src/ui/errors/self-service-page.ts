/**
 * Words for the self-service page's own checks (src/workflows/self-service.ts); the relay's refusals of a
 * holder's request have theirs in ./self-service.ts.
 */
import type { Words } from './types';

/** `AppError('workflows', code)` from the self-service page → words. */
export const SELF_SERVICE_PAGE_WORDS: Words = {
  NOT_THE_CHOSEN_CARD: (f) =>
    `The card in the reader is not the card you chose${typeof f.serial === 'number' ? ` (serial ${f.serial})` : ''}. Nothing was changed on it. Put in the card you chose, or choose this card in your list.`,
};
