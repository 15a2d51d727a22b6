/**
 * Words for the card lifecycle (Issue, Activate, Unblock, Retire, lost cards): the workflows' codes from
 * src/workflows/lifecycle and the Lifecycle page.
 */
import { say, type Words } from './types';

/** `AppError('workflows', code)` of the lifecycle → words. */
export const LIFECYCLE_WORDS: Words = {
  MASTER_KEY_MISSING: say(
    'This browser holds no card master key, so nothing can be issued. An administrator generates or imports it under Options > Security.',
  ),
  CARD_BOUND: (f) =>
    `This card is already ${String(f.state ?? 'in use')} for a holder. Retire it before issuing it to someone else.`,
  TEMPLATE_MISMATCH: say('This card template does not apply to this type of credential. Choose another template.'),
  TEMPLATE_GONE: say(
    'The card template this card was issued under has been deleted. Retire the card and issue it again.',
  ),
  NOT_ISSUED: say(
    'This card is not issued from this browser (or is already in that state). Check the card in the reader.',
  ),
  NOT_LIVE: say(
    "This card is not in anyone's hands as far as the registry knows (it is blank or already retired), so it cannot be reported lost.",
  ),
  RUN_UNFINISHED: (f) =>
    `An interrupted ${String(f.operation ?? 'operation')} on this card must be finished first: run it again.`,
  CARD_FOREIGN: say(
    'The card holds a management key Keyward did not set, so it was issued elsewhere or under another master key. Reset it with its own tools first.',
  ),
  MANAGEMENT_KEY_FIXED: say(
    "This card's management key is the factory default and the card offers no command to change it, so Keyward will not issue it: anyone could then rewrite the card. Use a YubiKey or another PIV card that can change its management key; this one can only be personalised with its vendor's own tool.",
  ),
  PUK_UNKNOWN: say('The card’s PUK is neither the factory value nor the one derived for it, so its PIN cannot be set.'),
  PIN_POLICY: (f) =>
    `The new PIN must be ${String(f.minLength)} to ${String(f.maxLength)} ${f.digitsOnly ? 'digits' : 'characters (no spaces)'} long and not the factory default 123456.`,
  PIN_MISMATCH: say('The two new PINs differ. Type the same PIN twice.'),
  TAP_CONTEXT_MISSING: say('Sign in first: this template creates a Temporary Access Pass as the card is activated.'),
  CARD_UNKNOWN_TYPE: say('This card has no PIV application, so Keyward cannot manage it.'),
  VERIFY_FAILED: say('The card did not accept the change. Remove and reinsert it, then try again.'),
};
