/**
 * Runs one operator action for a state class: `busy` while it runs, and any failure kept as an
 * `AppError` in `error` for the UI to put into words. The state class's rune fields are setters, so
 * writing through `target` updates the UI.
 */
import { toAppError, type AppError } from '../app-error';

/** Fields a guarded state class exposes. */
export interface Guarded {
  busy: boolean;
  error: AppError | null;
}

/** Runs `work` with `target.busy` set; a failure lands in `target.error` instead of being thrown. */
export async function runGuarded(target: Guarded, work: () => Promise<unknown>): Promise<void> {
  target.busy = true;
  target.error = null;
  try {
    await work();
  } catch (e) {
    target.error = toAppError(e);
  } finally {
    target.busy = false;
  }
}
