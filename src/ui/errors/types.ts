/**
 * The shape of the words tables in this folder: one table per layer (or part of one), each mapping a code
 * to a function of the error's fields (and its developer message, for the few codes that wrap another
 * party's words).
 */

/** An error's structured fields. */
export type Fields = Readonly<Record<string, unknown>>;

/** Words for one code: sentences a person can act on, never containing a secret. */
export type Describer = (fields: Fields, message: string) => string;

/** Words for the codes of one layer (or one part of it), keyed by code. */
export type Words = Readonly<Record<string, Describer>>;

/** The items of a `problems` field, as sentences. */
export function list(v: unknown): string {
  return Array.isArray(v) ? v.join(' ') : '';
}

/** `text` ending in a full stop, so words can follow it. */
export function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Words that say the same whatever the fields. */
export const say =
  (text: string): Describer =>
  () =>
    text;
