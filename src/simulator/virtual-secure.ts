/**
 * PC_to_RDR_Secure at the virtual reader (CCID rev 1.1 §6.1.11), for APDU-level readers with bPINSupport:
 * read the PIN Verification or Modification Data Structure (decoded here independently of
 * src/ccid/pin-pad.ts), ask the keypad for each PIN, write the digits as ASCII into the APDU at the offsets
 * the structure names (left justified, the placeholders after them left as padding), and send that APDU to
 * the card. The reader's timeout ends the command with bError PIN_TIMEOUT (F0), Cancel with PIN_CANCELLED
 * (EF), as §6.2.6 lists them; a new PIN that does not match its confirmation, or has too few or too many
 * digits, is refused by the reader as a cancelled entry, with nothing sent to the card.
 *
 * Structure offsets, counted in abData (after bPINOperation at [0]):
 *   verification: [1] bTimeOut [2] bmFormatString [3] bmPINBlockString [4] bmPINLengthFormat
 *                 [5..6] wPINMaxExtraDigit (max, min) [7] bEntryValidationCondition [8] bNumberMessage
 *                 [9..10] wLangId [11] bMsgIndex [12..14] bTeoPrologue [15..] abPINApdu
 *   modification: [1..4] as above, [5] bInsertionOffsetOld [6] bInsertionOffsetNew [7..8] wPINMaxExtraDigit
 *                 [9] bConfirmPIN [10] bEntryValidationCondition [11] bNumberMessage [12..13] wLangId
 *                 [14..] bMsgIndex1..n (n = max(bNumberMessage, 1)) then bTeoPrologue and abPINApdu
 */
import type { KeypadPrompt, VirtualKeypad } from './virtual-keypad';

/** bError of a failed Secure (CCID rev 1.1 §6.2.6). */
export const SECURE_ERROR = { PIN_TIMEOUT: 0xf0, PIN_CANCELLED: 0xef } as const;

/** The reader's own wait when bTimeOut is 00. */
const DEFAULT_TIMEOUT_S = 30;

interface Entry {
  readonly prompt: KeypadPrompt;
  /** Data offset of the PIN field, or -1 for the confirmation (compared, not written). */
  readonly at: number;
}

/** The structure decoded: the APDU template and the entries the keypad must supply. */
function decode(ab: Uint8Array): { apdu: Uint8Array; entries: Entry[]; min: number; max: number; timeoutS: number } {
  const modify = ab[0] === 0x01;
  const unitsBytes = (ab[2]! & 0x80) !== 0;
  const position = (ab[2]! >> 3) & 0x0f;
  if (!unitsBytes) throw new RangeError('only byte positions are simulated');
  if (!modify) {
    return {
      apdu: ab.slice(15),
      entries: [{ prompt: 'Enter PIN', at: position }],
      max: ab[5]!,
      min: ab[6]!,
      timeoutS: ab[1]!,
    };
  }
  const confirm = ab[9]!;
  const entries: Entry[] = [];
  if (confirm & 0x02) entries.push({ prompt: 'Enter PIN', at: ab[5]! });
  entries.push({ prompt: 'Enter new PIN', at: ab[6]! });
  if (confirm & 0x01) entries.push({ prompt: 'Confirm new PIN', at: -1 });
  const apduAt = 14 + Math.max(ab[11]!, 1) + 3;
  return { apdu: ab.slice(apduAt), entries, max: ab[7]!, min: ab[8]!, timeoutS: ab[1]! };
}

/**
 * Collects the PINs for `abData` from `keypad` and completes its APDU; resolves with the APDU to send, or
 * with the bError that ends the command instead. `tick` is called while the reader waits.
 */
export async function completeOnKeypad(
  abData: Uint8Array,
  keypad: VirtualKeypad,
  tick: () => void,
): Promise<{ apdu: Uint8Array } | { error: number }> {
  const { apdu, entries, min, max, timeoutS } = decode(abData);
  let newPin = '';
  for (const e of entries) {
    const got = await keypad.ask(e.prompt, (timeoutS || DEFAULT_TIMEOUT_S) * 1000, tick);
    if ('end' in got) return { error: got.end === 'timeout' ? SECURE_ERROR.PIN_TIMEOUT : SECURE_ERROR.PIN_CANCELLED };
    if (got.pin.length < min || got.pin.length > max) return { error: SECURE_ERROR.PIN_CANCELLED };
    if (e.at < 0) {
      if (got.pin !== newPin) return { error: SECURE_ERROR.PIN_CANCELLED };
      continue;
    }
    if (e.prompt === 'Enter new PIN') newPin = got.pin;
    apdu.set(
      Array.from(got.pin, (c) => c.charCodeAt(0)),
      5 + e.at,
    );
  }
  return { apdu };
}
