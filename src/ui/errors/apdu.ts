/**
 * Words for the ISO 7816-4 layer's codes (src/apdu): a card's status word with its generic meaning, and
 * answers that are not well formed. The PIV layer gives the common ones (wrong PIN, blocked PIN) their
 * application meaning; these are what is left when a card answers something Keyward did not expect.
 */
import { type Describer, type Fields, type Words } from './types';

/** ` (status word 6A82)`, when the error carries one. */
const sw = (f: Fields) =>
  typeof f.sw === 'number' ? ` (status word ${f.sw.toString(16).toUpperCase().padStart(4, '0')})` : '';

/** The card refused what it was asked; `what` says why in its terms, `todo` what to do. */
const refused =
  (what: string, todo = 'Check that this is the card you meant, then try again.'): Describer =>
  (f) =>
    `The card refused the command: ${what}${sw(f)}. ${todo}`;

/** The card does not offer something Keyward needs. */
const lacks = refused('it does not support it', 'Keyward cannot manage this card; use another one.');

/** Keyward sent something the card calls malformed: most likely a card Keyward does not know. */
const malformed = refused(
  'it calls the command malformed',
  'This card may not be one Keyward supports; if it should be, report it with the status word.',
);

/** The answer is not what ISO 7816-4 allows. */
const badAnswer: Describer = () =>
  'The card answered something that is not a valid response. Remove the card and insert it again; if it happens again, the card may be damaged.';

/** `AppError('apdu', code)` → words. */
export const APDU_WORDS: Words = {
  NO_PIN_PAD: () =>
    'This reader has no PIN pad that can take this PIN, so it must be typed in Keyward. Use a reader with a keypad, or close this form and open it again to type the PIN here.',
  VERIFY_FAILED: (f) =>
    `The card refused the PIN or key it was given.${typeof f.retriesLeft === 'number' ? ` Tries left: ${f.retriesLeft}.` : ''}`,
  AUTH_BLOCKED: refused('the PIN or key it needs is blocked', 'Unblock the card, or retire it.'),
  SECURITY_STATUS: refused(
    'it needs a PIN or key first',
    'Try again; if it happens again, the card is not in the state Keyward expected.',
  ),
  REFERENCE_DATA_NOT_USABLE: refused('the PIN or key it needs is not usable', 'Unblock or retire the card.'),
  CONDITIONS_NOT_SATISFIED: refused('it is not in a state that allows this'),
  COMMAND_NOT_ALLOWED: refused('it does not allow this command now'),
  FILE_NOT_FOUND: refused('it does not hold what was asked for'),
  RECORD_NOT_FOUND: refused('it does not hold what was asked for'),
  REFERENCE_DATA_NOT_FOUND: refused('it does not hold the key or PIN that was named'),
  FILE_ALREADY_EXISTS: refused('what Keyward wanted to create already exists on it'),
  NOT_ENOUGH_MEMORY: refused('it is out of memory', 'Use a card with room to spare, or retire and reset this one.'),
  MEMORY_FAILURE: refused('its memory failed', 'The card may be worn out; retire it and use another.'),
  EXECUTION_ERROR: refused('it failed while running the command', 'Remove the card, insert it again and retry.'),
  WARNING: refused('it ended the command with a warning'),
  UNKNOWN_STATUS: refused('it answered with a status Keyward does not know'),
  FUNCTION_NOT_SUPPORTED: lacks,
  INS_NOT_SUPPORTED: lacks,
  CLA_NOT_SUPPORTED: lacks,
  CLA_FUNCTION_NOT_SUPPORTED: lacks,
  CHAINING_NOT_SUPPORTED: lacks,
  WRONG_LENGTH: malformed,
  WRONG_LE: malformed,
  WRONG_PARAMETERS: malformed,
  INCORRECT_P1P2: malformed,
  INCORRECT_DATA: malformed,
  RESPONSE_INVALID: badAnswer,
  TLV_INVALID: badAnswer,
  RESPONSE_CHAIN_TOO_LONG: badAnswer,
  COMMAND_INVALID: (_, message) =>
    `Keyward built a card command that is not valid (${message}). This is a bug in Keyward; report it, with what you were doing.`,
};

/** Words for an answer the card gave that is not well formed, for other layers' parse failures. */
export const BAD_ANSWER: Describer = badAnswer;
