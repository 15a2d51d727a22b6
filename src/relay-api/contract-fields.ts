/** The fields the relay API's schemas share (src/relay-api/contract.ts): one line of text, ids, people, times. */
import { z } from 'zod';

// Zod compiles object parsers with `new Function` unless told not to; the page's CSP and Trusted Types
// forbid that (and Chrome logs the blocked probe), so parse without code generation everywhere.
z.config({ jitless: true });

/** Printable text on one line: no control characters that could forge CSV lines or log records. */
export const line = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must be one line of printable text');

export const instant = z.iso.datetime({ offset: true });
export const base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** A card id: `serial:<n>` or `chuid:<FASC-N hex>` (src/cards/card.ts). */
export const CardId = z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, 'must be 1 to 100 letters, digits and : . _ -');

/** Who did something, as the relay's token validation saw them. */
export const Person = z.strictObject({ oid: line(64), name: line(200) });
export type Person = z.infer<typeof Person>;
