/** The errors the card steps raise, in the `cards` layer (describeError keys them `cards/<code>`). */
import { layerErrors } from '../app-error';

/** Codes raised by the card steps. */
export type CardStepErrorCode =
  | 'CARD_UNKNOWN_TYPE'
  | 'CARD_FOREIGN'
  | 'PUK_UNKNOWN'
  | 'PUK_NOT_FACTORY'
  | 'PIN_POLICY'
  | 'VERIFY_FAILED'
  | 'MANAGEMENT_KEY_FIXED'
  | 'MANAGEMENT_KEY_ALGORITHM_REFUSED';

/** Codes issuance raises from its checks before the first write: the card is as it was. */
export const REFUSED_UNTOUCHED: ReadonlySet<CardStepErrorCode> = new Set([
  'MANAGEMENT_KEY_FIXED',
  'MANAGEMENT_KEY_ALGORITHM_REFUSED',
  'PUK_NOT_FACTORY',
]);

/** Shorthand for a card-step error; the message never carries a secret. */
export const cardStepError = layerErrors<CardStepErrorCode>('cards');
