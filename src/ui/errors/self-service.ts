/**
 * Words for the relay's self-service refusals (src/relay-api/self-service-contract.ts
 * `SELF_SERVICE_REFUSALS`, raised in relay/self-service/) and its card-key routes (relay/card-keys/),
 * as the browser's client sees them (`relay-api` codes).
 */
import { sentence, say, type Describer, type Words } from './types';

/** The relay's own reason (the template's or the card's rule, in words), then what to do. */
const because =
  (then: string): Describer =>
  (_, message) =>
    `${sentence(message)} ${then}`;

export const SELF_SERVICE_WORDS: Words = {
  SELF_SERVICE_GUEST: say(
    'Self-service is for members of the organisation. Guests and disabled accounts ask their helpdesk for help with a card.',
  ),
  CARD_NOT_YOURS: say(
    'This card is not registered to you. Use a card issued to you, or ask the helpdesk whose card it is.',
  ),
  CARD_RETIRED: say('This card is retired and can no longer be used. Ask the helpdesk for a new card.'),
  CARD_STATE_FORBIDS: because('Reload the page to see the card as it is now.'),
  TEMPLATE_FORBIDS: because('Ask the helpdesk if you need this done for your card.'),
  NO_RECORDED_KEY: because('Ask the helpdesk to do this for you.'),
  PROOF_REQUIRED: say(
    'Your card must prove itself first: insert it, enter your PIN, and let the page ask the card to sign.',
  ),
  CHALLENGE_UNKNOWN: say('The card answered a request the relay does not know. Start the step again.'),
  CHALLENGE_EXPIRED: say('The card took too long to answer (two minutes at most). Start the step again.'),
  CHALLENGE_REPLAYED: say('That card answer was already used once. Start the step again for a fresh one.'),
  SIGNATURE_WRONG: say(
    'The card in the reader is not the one registered to you (its key does not match). Insert the card issued to you and try again.',
  ),
  HOLDER_RATE_LIMITED: (f) =>
    `Too many requests from your account in a short time. Wait ${typeof f.retryAfterSeconds === 'number' ? `${f.retryAfterSeconds} s` : 'a minute'} and try again.`,
  UNBLOCK_NOT_AUTHORISED: say(
    'The unblock was not authorised in the last minutes. Start Unblock my PIN again with your card in the reader.',
  ),
  TAP_OUTCOME_UNKNOWN: say(
    'Microsoft did not say whether your Temporary Access Pass was created, so it was not tried again. Ask the helpdesk to check your authentication methods before asking again.',
  ),
  TAP_REFUSED: because('Ask the helpdesk: the tenant’s pass policy may not allow what your card template asks for.'),
  CARD_KEYS_UNAVAILABLE: say(
    'The Keyward relay holds no card keys yet. An administrator must set its key-encryption key (KEYWARD_KEK).',
  ),
  KEK_WRONG: say(
    'The Keyward relay cannot open its card master key: its key-encryption key changed. An administrator must restore KEYWARD_KEK, or name the old one in KEYWARD_KEK_PREVIOUS.',
  ),
  MASTER_KEY_EXISTS: because('Nothing was changed; compare the fingerprints on the Security screen.'),
  BAD_KEY_FILE: because('Choose the key file exported from the Security screen.'),
  WRONG_PASSPHRASE: say('The passphrase does not open this key file. Nothing was changed; type it again.'),
  CARD_IDENTITY_UNKNOWN: because('The card must be detected again so it can be registered with its serial or CHUID.'),
  MANAGEMENT_ALGORITHM_UNKNOWN: because('Read the card again so Keyward can ask it.'),
  SECRET_NOT_FOR_STATE: because('Reload the card to see its state in the registry.'),
  SECRET_NOT_FOR_OPERATION: because(
    'Nothing was released. Reload the page; if it happens again, this is a bug in the console.',
  ),
};
