/**
 * Turns any error into words a person can act on. The only place error codes become prose: the words
 * themselves live by layer in ./errors/ (src/ui/errors/index.ts joins them), and a completeness test
 * there fails when a code raised anywhere in src/ has none.
 */
import { isAppError } from '../app-error';
import { wordsFor } from './errors';

/** One sentence (or a few) for a person, never containing secrets. */
export function describeError(e: unknown): string {
  if (isAppError(e)) {
    const words = wordsFor(e.layer, e.code);
    return words ? words(e.fields, e.message) : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
