/**
 * The words tables of every layer, joined: the one place error codes become prose (`describeError` in
 * ../describe-error.ts reads it). Each layer's words live in their own small file beside this one.
 */
import { APDU_WORDS } from './apdu';
import { PIN_PAD_WORDS } from './pin-pad';
import { BYTES_WORDS, CONFIG_WORDS, MAIL_WORDS, STATE_WORDS } from './app';
import { BRIDGE_WORDS } from './bridge';
import { CCID_WORDS } from './ccid';
import { ENTRA_WORDS } from './entra';
import { LIFECYCLE_WORDS } from './lifecycle';
import { CARDS_WORDS, PIV_WORDS } from './piv';
import { RELAY_API_WORDS, RELAY_HTTP_FALLBACK } from './relay-api';
import { SELF_SERVICE_WORDS } from './self-service';
import { SELF_SERVICE_PAGE_WORDS } from './self-service-page';
import { SMART_CARD_WORDS } from './smart-card';
import { sentence, type Describer, type Words } from './types';
import { USB_WORDS } from './usb';
import { WORKFLOWS_WORDS } from './workflows';

/** Words by layer, then by code. */
const WORDS: Readonly<Record<string, Words>> = {
  ccid: CCID_WORDS,
  apdu: APDU_WORDS,
  transport: { ...USB_WORDS, ...BRIDGE_WORDS, ...SMART_CARD_WORDS, ...PIN_PAD_WORDS },
  piv: PIV_WORDS,
  cards: CARDS_WORDS,
  entra: ENTRA_WORDS,
  'relay-api': { ...RELAY_API_WORDS, ...SELF_SERVICE_WORDS },
  workflows: { ...LIFECYCLE_WORDS, ...WORKFLOWS_WORDS, ...SELF_SERVICE_PAGE_WORDS },
  config: CONFIG_WORDS,
  mail: MAIL_WORDS,
  state: STATE_WORDS,
  bytes: BYTES_WORDS,
};

/** `toAppError` wraps what was not an `AppError` (any layer): its own message is all there is to say. */
const UNEXPECTED: Describer = (_, message) =>
  `Something went wrong that Keyward did not expect: ${sentence(message)} Try again; if it happens again, reload the page.`;

/** The words for `layer/code`, or undefined when there are none. */
export function wordsFor(layer: string, code: string): Describer | undefined {
  const table = WORDS[layer];
  if (table && Object.hasOwn(table, code)) return table[code];
  if (code === 'UNEXPECTED') return UNEXPECTED;
  if (layer === 'relay-api' && /^HTTP_\d{3}$/.test(code)) return RELAY_HTTP_FALLBACK;
  return undefined;
}

/** Every `layer/CODE` with words of its own (for the completeness test). */
export function wordedCodes(): string[] {
  return Object.entries(WORDS).flatMap(([layer, table]) => Object.keys(table).map((code) => `${layer}/${code}`));
}
