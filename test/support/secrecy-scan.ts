/**
 * The secrecy scanner that unit and end-to-end tests share: it looks for secrets (PIN, PUK, TAP code,
 * key) in what a browser or a service kept, and it cannot pass by seeing nothing.
 *
 * - Values are walked as structured clones (what IndexedDB returns): strings, numbers, arrays, plain
 *   objects, `Map`, `Set`, `Date`, `ArrayBuffer`, typed arrays, `DataView`; arrays of byte-sized
 *   integers count as bytes too. A page serialises its byte values as `{ [BYTES_TAG]: hex }`.
 * - Each secret is searched in its plain, hex (both cases), base64 and base64url forms (RFC 4648 §4,
 *   §5), and as raw bytes inside every byte value and every hex or base64 run decoded from text, so a
 *   PUK stored as bytes or inside a larger base64 blob is found too.
 * - {@link scanForSecrets} first plants a random canary in every place a source reads and fails when
 *   the same read does not find it there (the positive control).
 */
import { fromHex, toBase64, toHex } from '../../src/bytes';

/** A secret to look for; `name` is what a failing test prints (never the value). */
export interface Secret {
  readonly name: string;
  readonly value: string | Uint8Array;
}

/** What one place held: a name a person can find it by, and the values read there. */
export interface Place {
  readonly name: string;
  readonly values: readonly unknown[];
}

/** Where secrets can be kept, read the same way with and without a planted canary. */
export interface ScanSource {
  /** Reads every place of this source. */
  read(): Promise<Place[]>;
  /** Puts `canary` where this source reads; returns the places it must be found in, and an undo. */
  plant(canary: Secret): Promise<{ places: string[]; remove(): Promise<void> }>;
}

/** The key of `{ [BYTES_TAG]: hex }`, how byte values cross from a page to the test. */
export const BYTES_TAG = '$secrecyScanBytes';

const encoder = new TextEncoder();

/** The secret's bytes: UTF-8 of a string, or the bytes themselves. */
export function secretBytes(secret: Secret): Uint8Array {
  return typeof secret.value === 'string' ? encoder.encode(secret.value) : secret.value;
}

/** RFC 4648 §5 base64url, without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The text forms searched for: plain (strings only), hex in both cases, base64 with and without padding, base64url. */
export function secretForms(secret: Secret): string[] {
  const bytes = secretBytes(secret);
  const forms = [toHex(bytes, { lower: true }), toHex(bytes), toBase64(bytes), toBase64(bytes).replace(/=+$/, '')];
  forms.push(toBase64Url(bytes));
  if (typeof secret.value === 'string') forms.push(secret.value);
  return [...new Set(forms)];
}

/** What a value holds, flattened: its texts and its byte runs. */
interface Flat {
  texts: string[];
  bytes: Uint8Array[];
}

const isByteArray = (a: readonly unknown[]) =>
  a.length > 0 && a.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 255);

function flattenInto(value: unknown, out: Flat, seen: WeakSet<object>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') return void out.texts.push(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return void out.texts.push(String(value));
  if (typeof value !== 'object') return;
  if (seen.has(value)) return;
  seen.add(value);
  if (value instanceof ArrayBuffer) return void out.bytes.push(new Uint8Array(value));
  if (ArrayBuffer.isView(value))
    return void out.bytes.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (value instanceof Date) return void out.texts.push(Number.isNaN(value.getTime()) ? '' : value.toISOString());
  if (value instanceof Map) return flattenInto([...value.entries()], out, seen);
  if (value instanceof Set) return flattenInto([...value.values()], out, seen);
  if (Array.isArray(value)) {
    if (isByteArray(value)) out.bytes.push(Uint8Array.from(value as number[]));
    for (const item of value) flattenInto(item, out, seen);
    return;
  }
  const tagged = (value as Record<string, unknown>)[BYTES_TAG];
  if (typeof tagged === 'string') return void out.bytes.push(fromHex(tagged));
  for (const [key, item] of Object.entries(value)) {
    out.texts.push(key);
    flattenInto(item, out, seen);
  }
}

/** Bytes of every base64/base64url run (from each of its four alignments) and hex run (both alignments). */
function decodedRuns(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{8,}/g))
    for (let skip = 0; skip < 4; skip++) {
      const body = run.slice(skip).replace(/-/g, '+').replace(/_/g, '/');
      // atob forgives missing padding (HTML "forgiving-base64 decode"), not a lone trailing character.
      const usable = body.length % 4 === 1 ? body.slice(0, -1) : body;
      try {
        out.push(Uint8Array.from(atob(usable), (c) => c.charCodeAt(0)));
      } catch {
        // Not base64 from this alignment (e.g. '+' and '-' mixed); the other forms still apply.
      }
    }
  for (const [run] of text.matchAll(/[0-9A-Fa-f]{8,}/g))
    for (const skip of [0, 1]) {
      const body = run.slice(skip);
      out.push(fromHex(body.slice(0, body.length - (body.length % 2))));
    }
  return out;
}

const latin1 = (bytes: Uint8Array) => {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
};

/** A searcher over one place's values: which of the secrets it holds, in any form. */
export function holds(values: readonly unknown[]): (secret: Secret) => boolean {
  const flat: Flat = { texts: [], bytes: [] };
  flattenInto(values, flat, new WeakSet());
  const text = flat.texts.join('\n');
  const runs = [...flat.bytes, encoder.encode(text), ...decodedRuns(text)];
  for (const b of flat.bytes) runs.push(...decodedRuns(new TextDecoder().decode(b)));
  const binary = runs.map(latin1).join('\n');
  return (secret) =>
    secretForms(secret).some((form) => text.includes(form)) || binary.includes(latin1(secretBytes(secret)));
}

/** Names of the places holding `secret`. */
export function placesHolding(places: readonly Place[], secret: Secret): string[] {
  return places.filter((p) => holds(p.values)(secret)).map((p) => p.name);
}

/** A random canary: 18 random bytes, as base64url text (a string secret of 24 characters). */
export function newCanary(): Secret {
  return { name: 'the planted canary', value: toBase64Url(crypto.getRandomValues(new Uint8Array(18))) };
}

/**
 * Scans every source for `secrets`, each read carrying a freshly planted canary; returns findings as
 * `"<secret name> in <place>"` (empty when clean). Throws when a source's read missed its canary in a
 * place it was planted: a scan that cannot see is a failure, not a pass.
 */
export async function scanForSecrets(sources: readonly ScanSource[], secrets: readonly Secret[]): Promise<string[]> {
  const findings: string[] = [];
  const blind: string[] = [];
  for (const source of sources) {
    const canary = newCanary();
    const planted = await source.plant(canary);
    let places: Place[];
    try {
      places = await source.read();
    } finally {
      await planted.remove();
    }
    for (const name of planted.places)
      if (
        !placesHolding(
          places.filter((p) => p.name === name),
          canary,
        ).length
      )
        blind.push(name);
    for (const secret of secrets)
      for (const place of placesHolding(places, secret)) findings.push(`${secret.name} in ${place}`);
  }
  if (blind.length)
    throw new Error(`The secrecy scan is blind: its planted canary was not found in ${blind.join('; ')}`);
  return findings;
}
