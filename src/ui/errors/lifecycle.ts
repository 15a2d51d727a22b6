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
  PIN_MISMATCH: say('The two new PINs differ. Type the same PIN twice.'),
  TAP_CONTEXT_MISSING: say('Sign in first: this template creates a Temporary Access Pass as the card is activated.'),
};
