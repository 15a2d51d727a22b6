/**
 * Words for the PIV card edge (src/piv) and the credential logic over it (src/cards): status words read
 * with the meaning of the command that got them (SP 800-73-4 Part 2 §3).
 */
import { BAD_ANSWER } from './apdu';
import { say, type Describer, type Words } from './types';

/** A caller inside Keyward broke a rule of the layer below: a bug, not something the person did. */
const bug: Describer = (_, message) =>
  `Keyward asked for something the card layer cannot do (${message}). This is a bug in Keyward; report it, with what you were doing.`;

/** `AppError('piv', code)` → words. */
export const PIV_WORDS: Words = {
  PIN_INVALID: (f) =>
    `The card refused the ${f.reference === 'PUK' ? 'PUK' : 'PIN'}.${typeof f.retriesLeft === 'number' ? ` Tries left: ${f.retriesLeft}.` : ''}${f.retriesLeft === 1 ? ' One more wrong try blocks it.' : ''}`,
  PIN_BLOCKED: (f) =>
    f.reference === 'PUK'
      ? 'The PUK is blocked: this card can only be retired.'
      : 'The PIN is blocked. Use Unblock to set a new one.',
  AUTH_FAILED: say(
    'The card refused its management key: it was issued elsewhere or under another master key. Reset it with its own tools, or use the browser that holds its master key.',
  ),
  SECURITY_STATUS: say(
    'The card wants a PIN or its management key before this step, and did not get it. Try again from the start.',
  ),
  NOT_FOUND: say('The card does not hold what Keyward looked for (a key, certificate or data object). Check the card.'),
  NOT_SUPPORTED: say('This card does not support that operation. Use a YubiKey or another PIV card that does.'),
  FUNCTION_NOT_SUPPORTED: say(
    'This card does not offer that function (it answered "function not supported"). Use a YubiKey or another PIV card that does.',
  ),
  CLASS_NOT_SUPPORTED: say(
    'The card refused the command class Keyward used, so it does not speak PIV the way Keyward does. Use a YubiKey or another PIV card.',
  ),
  PARAMETERS_NOT_SUPPORTED: (f) =>
    `The card does not support that ${typeof f.operation === 'string' ? `${f.operation.replaceAll('-', ' ')} ` : ''}request (a key, slot or option it does not have). Check the card template against what Detect reports for this card.`,
  ALGORITHM_NOT_SUPPORTED: (f) =>
    f.operation === 'generate'
      ? 'The card does not have the key algorithm the template asks for. Choose a template with an algorithm Detect lists for this card.'
      : 'The card refused the management-key algorithm Keyward asked for. Remove the card, insert it again and retry; Keyward asks the card which algorithm it takes before writing anything.',
  INCORRECT_DATA: (_, message) =>
    `The card refused the data Keyward sent (${message}). Remove the card, insert it again and retry; if it happens again, retire it.`,
  NOT_PIV: say('This card has no PIV application, so Keyward cannot manage it.'),
  COMMAND_FAILED: (_, message) =>
    `The card refused a step (${message}). Remove the card, insert it again and retry; if it happens again, retire it.`,
  RESPONSE_INVALID: BAD_ANSWER,
  INVALID_ARGUMENT: bug,
};

/** `AppError('cards', code)` → words. */
export const CARDS_WORDS: Words = {
  MASTER_KEY_UNUSABLE: say(
    'This browser’s card master key cannot be used to derive card keys (the browser refused it). Import the key file again under Options > Security.',
  ),
  INVALID_ARGUMENT: bug,
  CARD_FOREIGN: say(
    'The card holds a management key Keyward did not set, so it was issued elsewhere or under another master key. Reset it with its own tools first.',
  ),
  MANAGEMENT_KEY_FIXED: say(
    "This card's management key is the factory default and the card offers no command to change it, so Keyward will not issue it: anyone could then rewrite the card. Use a YubiKey or another PIV card that can change its management key; this one can only be personalised with its vendor's own tool.",
  ),
  PUK_UNKNOWN: say('The card’s PUK is neither the factory value nor the one derived for it, so its PIN cannot be set.'),
  PUK_NOT_FACTORY: (f) =>
    `This card still has its factory management key, but its PUK is not the factory PUK${f.retriesLeft === 0 ? ' (and it is blocked)' : ''}: someone personalised it with another tool. Nothing was written to it. Reset it with its own tools, then issue it here.`,
  MANAGEMENT_KEY_ALGORITHM_REFUSED: (f) =>
    `The card refused every management-key algorithm Keyward can set${typeof f.refused === 'string' && f.refused ? ` (${f.refused.replaceAll(',', ', ')})` : ''}, so nothing was written to it. It cannot be issued here; personalise it with its vendor's own tool.`,
  PIN_POLICY: (f) =>
    `The new PIN must be ${String(f.minLength)} to ${String(f.maxLength)} ${f.digitsOnly ? 'digits' : 'characters (no spaces)'} long and not the factory default 123456.`,
  CARD_UNKNOWN_TYPE: say('This card has no PIV application, so Keyward cannot manage it.'),
  VERIFY_FAILED: say('The card did not accept the change. Remove and reinsert it, then try again.'),
};
