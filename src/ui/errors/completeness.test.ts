/**
 * Every code that can reach a person has words: the test scans src/ (and what the relay and the bridge
 * send the browser) for every way an `AppError` code is raised, and fails on a code without words, on a
 * raise it cannot account for, and on words for a code nothing raises any more.
 */
import { describe, expect, it } from 'vitest';
import { scanRaisedCodes, sourceFiles, type Reader } from '../../../test/support/raised-codes';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { wordedCodes, wordsFor } from '.';

/** Codes raised in the source that never reach the UI, each with the reason. Keep this list short. */
const INTERNAL_ONLY: Readonly<Record<string, string>> = {
  'ccid/NO_CARD': 'The CCID driver’s own; webusb-ccid.ts turns it into transport/NO_CARD at the CardTransport seam.',
  'relay-api/SCHEMA_TOO_NEW':
    'The relay refuses to start against a database schema newer than its own (relay/server.ts); never an HTTP answer.',
  'relay-api/BAD_CONFIG': 'The relay refuses to start with it (relay/config.ts); it is never an HTTP answer.',
};

const hasWords = (key: string) => {
  const [layer = '', code = ''] = key.split('/');
  return wordsFor(layer, code) !== undefined;
};

const missingWords = (codes: ReadonlyMap<string, string>) =>
  [...codes].filter(([key]) => !hasWords(key) && !INTERNAL_ONLY[key]).map(([key, where]) => `${key} (${where})`);

describe('describeError covers every raised code', () => {
  const scan = scanRaisedCodes();

  it('accounts for every raise, and every code that can reach the UI has words', () => {
    expect(scan.unlisted, 'raises with a variable code: add them to DYNAMIC_SITES or HELPERS').toEqual([]);
    expect(scan.stale, 'DYNAMIC_SITES entries that match no raise').toEqual([]);
    expect(missingWords(scan.codes)).toEqual([]);
    const covered = [...scan.codes.keys()].filter(hasWords).length;
    const excluded = Object.keys(INTERNAL_ONLY).length;
    console.log(`describeError: ${covered} codes with words, ${excluded} internal-only, of ${scan.codes.size} raised`);
    expect(covered + excluded).toBe(scan.codes.size);
    expect(covered).toBeGreaterThan(200);
  });

  it('keeps the internal-only list honest: each is raised and has no words', () => {
    for (const key of Object.keys(INTERNAL_ONLY)) {
      expect(scan.codes.has(key), key).toBe(true);
      expect(hasWords(key), key).toBe(false);
    }
  });

  it('has no words for codes nothing raises', () => {
    expect(wordedCodes().filter((key) => !scan.codes.has(key))).toEqual([]);
  });

  it('gives every code at least one full sentence, whatever fields arrive', () => {
    const unfinished = [...scan.codes.keys()].filter((key) => {
      const [layer = '', code = ''] = key.split('/');
      const text = wordsFor(layer, code)?.({}, 'What the developer message says');
      return text !== undefined && !/^\S.{10,}[.?!)]$/s.test(text);
    });
    expect(unfinished).toEqual([]);
  });
});

describe('the scan itself', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const planted =
    "throw new AppError('ccid', 'PLANTED_CODE', 'x');\n" +
    "throw new AppError('ccid', somewhere.code, 'y');\n" +
    "throw lifecycleError(code, 'z');\n";
  const read: Reader = (f) => (f === 'src/planted.ts' ? planted : readFileSync(`${root}/${f}`, 'utf8'));

  it('fails on a planted code without words and on raises it cannot account for', () => {
    const scan = scanRaisedCodes([...sourceFiles(), 'src/planted.ts'], read);
    expect(missingWords(scan.codes)).toEqual(['ccid/PLANTED_CODE (src/planted.ts:1)']);
    expect(scan.unlisted).toEqual(['src/planted.ts:2', 'src/planted.ts:3 (lifecycleError)']);
  });

  it('finds codes behind helpers, unions, tables and the relay', () => {
    const codes = scanRaisedCodes().codes;
    for (const key of [
      'cards/PIN_POLICY',
      'piv/PIN_INVALID',
      'apdu/WRONG_LE',
      'ccid/ICC_MUTE',
      'entra/POPUP_BLOCKED',
      'transport/SHARING_VIOLATION',
      'relay-api/TOKEN_EXPIRED',
      'relay-api/SMTP_UNCERTAIN',
      'relay-api/USER_IS_GUEST',
      'relay-api/RATE_LIMITED',
      'relay-api/HEADER_INJECTION',
      'state/UNEXPECTED',
      'workflows/UNEXPECTED',
    ])
      expect(codes.has(key), key).toBe(true);
  });
});
