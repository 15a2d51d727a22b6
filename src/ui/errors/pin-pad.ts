/**
 * Words for the PIN pad of a reader (`AppError('transport', code)` from every backend that drives one:
 * the CCID driver's PC_to_RDR_Secure, the bridge's PC/SC Part 10 PIN features).
 */
import { say, type Words } from './types';

/** The keypad's own endings of a PIN entry. */
export const PIN_PAD_WORDS: Words = {
  PIN_TIMEOUT: say(
    'The reader stopped waiting for the PIN on its keypad. Nothing was sent to the card and no try was used. Start again and type the PIN on the reader when it asks.',
  ),
  PIN_CANCELLED: say(
    'The PIN entry was cancelled on the reader (the Cancel key, or the new PIN and its repetition did not match). Nothing was sent to the card and no try was used. Start again if you meant to enter it.',
  ),
};
