/** The errors the card steps raise, in the `cards` layer (describeError keys them `cards/<code>`). */
import { AppError } from '../app-error';

/** Codes raised by the card steps. */
export type CardStepErrorCode =
  'CARD_UNKNOWN_TYPE' | 'CARD_FOREIGN' | 'PUK_UNKNOWN' | 'PIN_POLICY' | 'VERIFY_FAILED' | 'MANAGEMENT_KEY_FIXED';

/** Shorthand for a card-step error; the message never carries a secret. */
export function cardStepError(
  code: CardStepErrorCode,
  message: string,
  fields: Record<string, unknown> = {},
  cause?: unknown,
): AppError<CardStepErrorCode> {
  return new AppError('cards', code, message, fields, cause === undefined ? undefined : { cause });
}
