/**
 * The `AppError` a promise rejects with, for tests that check its layer, code and fields rather than its
 * message. Anything else (a resolution, another error, an `AppError` of another layer) fails the test.
 */
import { isAppError, type AppError } from '../../src/app-error';

/** Awaits `pending` and returns its `AppError` (of `layer`, when given); throws otherwise. */
export async function rejectionOf(pending: Promise<unknown>, layer?: string): Promise<AppError> {
  try {
    await pending;
  } catch (e) {
    if (isAppError(e, layer)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}
