/** The errors the card steps raise, in the `cards` layer (describeError keys them `cards/<code>`). */
import { layerErrors } from '../app-error';

/** Codes raised by the card steps. */
export type CardStepErrorCode =
  'CARD_UNKNOWN_TYPE' | 'CARD_FOREIGN' | 'PUK_UNKNOWN' | 'PIN_POLICY' | 'VERIFY_FAILED' | 'MANAGEMENT_KEY_FIXED';

/** Shorthand for a card-step error; the message never carries a secret. */
export const cardStepError = layerErrors<CardStepErrorCode>('cards');
