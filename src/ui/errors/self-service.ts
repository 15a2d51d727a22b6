/**
 * Words for the self-service page: the relay's refusals of a holder's request
 * (src/relay-api/self-service-contract.ts `SELF_SERVICE_REFUSALS`), and the page's own checks
 * (src/workflows/self-service.ts). Each refusal says why in words the holder can act on.
 */
import { say, sentence, type Describer, type Fields, type Words } from './types';

/** The relay's own reason (a template's refusal names the option), when it gave one. */
const because = (message: string) => (message.trim() ? ` ${sentence(message)}` : '');

const retryIn = (f: Fields) =>
  typeof f.retryAfterSeconds === 'number' ? `in ${Math.ceil(f.retryAfterSeconds / 60)} minute(s)` : 'later';

/** `AppError('relay-api', code)` from `/api/self-service/*` → words. */
export const SELF_SERVICE_RELAY_WORDS: Words = {
  SELF_SERVICE_GUEST: say(
    'Guest accounts cannot use the self-service page. Ask your organisation’s helpdesk to activate or unblock your card.',
  ),
  CARD_NOT_YOURS: say(
    'That card is not registered to you, so the self-service page cannot act on it. If it is yours, ask the helpdesk to check the card registry.',
  ),
  CARD_RETIRED: say(
    'That card is retired (or was reported lost), so nothing more can be done with it. Ask the helpdesk for a new card.',
  ),
  CARD_STATE_FORBIDS: (_f, message) =>
    `The card is not in a state that allows this.${because(message)} Reload the page to see its state now.`,
  TEMPLATE_FORBIDS: (_f, message) =>
    `Your card’s template does not allow this.${because(message)} Ask the helpdesk if you need it done.`,
  NO_RECORDED_KEY: say(
    'The card was issued without the key that proves it here, so the self-service page cannot act on it. Ask the helpdesk to do it for you.',
  ),
  CHALLENGE_UNKNOWN: say('The relay no longer knows this request. Start again.'),
  CHALLENGE_EXPIRED: say('The request took too long and expired. Start again, with the card ready in the reader.'),
  CHALLENGE_REPLAYED: say('This request was already answered once and cannot be used again. Start again.'),
  SIGNATURE_WRONG: say(
    'The card in the reader did not prove to be the card registered to you. Put in the card you chose (not another one) and try again.',
  ),
  HOLDER_RATE_LIMITED: (f) => `You have made too many requests in a short time. Try again ${retryIn(f)}.`,
  UNBLOCK_NOT_AUTHORISED: say('The unblock was not authorised for this card (or it expired). Start the unblock again.'),
  TAP_OUTCOME_UNKNOWN: say(
    'Entra ID did not say whether your Temporary Access Pass was created, and Keyward does not ask twice. Check your email; if nothing arrives, ask the helpdesk.',
  ),
  TAP_REFUSED: (_f, message) =>
    `Entra ID refused to create a Temporary Access Pass.${because(message)} Ask the helpdesk if you still need one.`,
};

/** `AppError('workflows', code)` from the self-service page's own checks → words. */
export const SELF_SERVICE_WORDS: Words = {
  NOT_THE_CHOSEN_CARD: ((f) =>
    `The card in the reader is not the card you chose${typeof f.serial === 'number' ? ` (serial ${f.serial})` : ''}. Nothing was changed on it. Put in the card you chose, or choose this card in your list.`) satisfies Describer,
};
