/**
 * PIN entry on the reader's own keypad, for readers whose CCID descriptor sets bPINSupport (CCID rev 1.1
 * §5.1 offset 52): the PIN typed on the reader goes to the card without touching the host. This file holds
 * the pure part: the abData of PC_to_RDR_Secure (§6.1.11; the header is messages.ts `secure`) for the PIV
 * commands that carry a PIN, and which readers can take it.
 *
 * abData = bPINOperation ‖ PIN data structure:
 *   bPINOperation (§6.1.11): 00 verification, 01 modification.
 *   PIN Verification Data Structure (§6.1.11, after bPINOperation 00):
 *     [0]  bTimeOut               seconds before the first key (00: the reader's default)
 *     [1]  bmFormatString         b7 units (1 bytes), b6..3 PIN position in the APDU data, b2 justification
 *                                 (0 left), b1..0 format (10 ASCII)
 *     [2]  bmPINBlockString       b7..4 bits of PIN-length field (0: none), b3..0 PIN block size in bytes
 *     [3]  bmPINLengthFormat      b4 units, b3..0 position of the PIN-length field (unused here)
 *     [4..5] wPINMaxExtraDigit    LE word XXYY: XX minimum, YY maximum digits → bytes YY, XX
 *     [6]  bEntryValidationCondition  02: the validation (OK) key
 *     [7]  bNumberMessage         messages the reader shows (00 when it has no display)
 *     [8..9] wLangId              LE, 0409 English (US)
 *     [10] bMsgIndex
 *     [11..13] bTeoPrologue       T=1 prologue for TPDU-level readers, zeros at APDU level
 *     [14..] abPINApdu            the command, PIN bytes as placeholders
 *   PIN Modification Data Structure (§6.1.11, after bPINOperation 01): as above up to bmPINLengthFormat, then
 *     bInsertionOffsetOld, bInsertionOffsetNew (in the units of bmFormatString), wPINMaxExtraDigit,
 *     bConfirmPIN (b0 confirm the new PIN, b1 enter the current PIN), bEntryValidationCondition,
 *     bNumberMessage, wLangId, bMsgIndex1..3 (bMsgIndex2/3 only when that many messages, as libccid
 *     sends them), bTeoPrologue, abPINApdu.
 *
 * PIV (SP 800-73-4 Part 2 §3.2.1 VERIFY, §3.2.2 CHANGE REFERENCE DATA): the PIN is 6–8 ASCII digits
 * padded with FF to 8 bytes, so the APDU carries FF placeholders the reader overwrites from the left
 * and leaves as padding (as OpenSC's PIV driver asks of PIN-pad readers).
 */
import type { CcidDescriptor } from './descriptor';

/** bPINOperation (CCID rev 1.1 §6.1.11). */
export const PIN_OPERATION = { VERIFY: 0x00, MODIFY: 0x01 } as const;

/** What the holder types: the digits allowed and how long the reader waits. */
export interface PinPadEntry {
  /** Seconds the reader waits for the first key; 0 leaves it to the reader. */
  readonly timeoutSeconds?: number;
  readonly minDigits?: number;
  readonly maxDigits?: number;
  /** bTeoPrologue for a TPDU-level reader running T=1 (NAD, PCB, LEN); zeros elsewhere. */
  readonly teoPrologue?: Uint8Array;
}

/** The PIV PIN block: 8 bytes (SP 800-73-4 Part 2 §3.2.1). */
const PIV_PIN_BLOCK = 8;
/** ASCII, left justified, positions in bytes, PIN at data offset 0 (bmFormatString). */
const FORMAT_ASCII_BYTES = 0x82;
/** The OK key ends entry (bEntryValidationCondition). */
const VALIDATE_WITH_KEY = 0x02;
/** English (US) (wLangId, USB language id). */
const LANG_EN_US = [0x09, 0x04];
/** PIV key reference of the card PIN (SP 800-73-4 Part 1 §3.3, Table 1). */
const PIV_PIN_REFERENCE = 0x80;

/** Which PIN operations the reader offers on its keypad (bPINSupport). */
export function pinPadOperations(d: CcidDescriptor): { readonly verify: boolean; readonly modify: boolean } {
  return { verify: d.pinSupport.verification, modify: d.pinSupport.modification };
}

/** The fields both structures share after bmPINLengthFormat's position, checked. */
function entryFields(entry: PinPadEntry): { timeout: number; digits: number[]; prologue: Uint8Array } {
  const { timeoutSeconds = 0, minDigits = 6, maxDigits = 8 } = entry;
  const prologue = entry.teoPrologue ?? new Uint8Array(3);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0 || timeoutSeconds > 255)
    throw new RangeError('timeoutSeconds must be 0..255');
  if (!(minDigits >= 1 && minDigits <= maxDigits && maxDigits <= PIV_PIN_BLOCK))
    throw new RangeError('need 1 ≤ minDigits ≤ maxDigits ≤ 8');
  if (prologue.length !== 3) throw new RangeError('bTeoPrologue is 3 bytes');
  return { timeout: timeoutSeconds, digits: [maxDigits, minDigits], prologue };
}

/** A PIV command APDU whose data is `blocks` PIN blocks of FF placeholders (case 3, short Lc). */
function pivPinApdu(ins: number, blocks: number): Uint8Array {
  const data = new Uint8Array(PIV_PIN_BLOCK * blocks).fill(0xff);
  return Uint8Array.of(0x00, ins, 0x00, PIV_PIN_REFERENCE, data.length, ...data);
}

/** How many messages the reader shows: none without a display (wLcdLayout 0). */
const messages = (d: CcidDescriptor, wanted: number) => (d.lcdLayout ? wanted : 0);

/**
 * abData of PC_to_RDR_Secure for PIV VERIFY of the card PIN entered on the keypad:
 * bPINOperation 00 ‖ PIN Verification Data Structure ‖ 00 20 00 80 08 FF×8.
 */
export function pivVerifyOnPad(d: CcidDescriptor, entry: PinPadEntry = {}): Uint8Array {
  const { timeout, digits, prologue } = entryFields(entry);
  return Uint8Array.of(
    PIN_OPERATION.VERIFY,
    timeout,
    FORMAT_ASCII_BYTES,
    PIV_PIN_BLOCK, // no PIN-length field, 8-byte block
    0x00,
    ...digits,
    VALIDATE_WITH_KEY,
    messages(d, 1),
    ...LANG_EN_US,
    0x00, // bMsgIndex: "Enter PIN"
    ...prologue,
    ...pivPinApdu(0x20, 1),
  );
}

/**
 * abData of PC_to_RDR_Secure for PIV CHANGE REFERENCE DATA of the card PIN, current and new PIN both
 * entered on the keypad, the new one twice: bPINOperation 01 ‖ PIN Modification Data Structure ‖
 * 00 24 00 80 10 FF×16 (current PIN at data offset 0, new PIN at 8).
 */
export function pivChangeOnPad(d: CcidDescriptor, entry: PinPadEntry = {}): Uint8Array {
  const { timeout, digits, prologue } = entryFields(entry);
  const count = messages(d, 3);
  return Uint8Array.of(
    PIN_OPERATION.MODIFY,
    timeout,
    FORMAT_ASCII_BYTES,
    PIV_PIN_BLOCK,
    0x00,
    0x00, // bInsertionOffsetOld: current PIN at data byte 0
    PIV_PIN_BLOCK, // bInsertionOffsetNew: new PIN at data byte 8
    ...digits,
    0x03, // bConfirmPIN: current PIN entered, new PIN confirmed
    VALIDATE_WITH_KEY,
    count,
    ...LANG_EN_US,
    ...[0x00, 0x01, 0x02].slice(0, Math.max(count, 1)), // "Enter PIN", "Enter new PIN", "Confirm new PIN"
    ...prologue,
    ...pivPinApdu(0x24, 2),
  );
}
