/**
 * PIN entry on the reader's own keypad, for readers whose CCID descriptor sets bPINSupport (CCID rev 1.1
 * §5.1 offset 52): the PIN typed on the reader goes to the card without touching the host. This file holds
 * the pure part: the abData of PC_to_RDR_Secure (§6.1.11; the header is messages.ts `secure`) for a
 * command whose PIN fields the reader fills (`PinPadCommand`, built by the card application's layer), and
 * which readers can take it. The PC/SC Part 10 structures (transport/pcsc-pin-pad.ts) reuse the fields.
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
 */
import type { CcidDescriptor } from './descriptor';

/** bPINOperation (CCID rev 1.1 §6.1.11). */
export const PIN_OPERATION = { VERIFY: 0x00, MODIFY: 0x01 } as const;

/**
 * A command APDU whose PIN fields the reader fills from its keypad: VERIFY-like (`verify`: one PIN at data
 * offset 0) or CHANGE-like (`modify`: the new PIN at `newPinOffset`, typed twice; the current PIN at data
 * offset 0 too when `enterCurrent`). PINs are ASCII, left justified in `pinBlock`-byte fields whose
 * placeholder bytes stay as padding.
 */
export interface PinPadCommand {
  readonly operation: 'verify' | 'modify';
  /** The command APDU (short, case 3) with placeholders where the PINs go. */
  readonly apdu: Uint8Array;
  /** Bytes of one PIN field. */
  readonly pinBlock: number;
  /** modify: data offset of the new PIN. */
  readonly newPinOffset?: number;
  /** modify: the holder types the current PIN (at data offset 0) before the new one. */
  readonly enterCurrent?: boolean;
  /** Seconds the reader waits for the first key; 0 leaves it to the reader. */
  readonly timeoutSeconds?: number;
  readonly minDigits?: number;
  readonly maxDigits?: number;
}

/** The fields the CCID and the PC/SC Part 10 structures share, checked. */
export interface PinPadFields {
  readonly timeout: number;
  readonly format: number;
  readonly block: number;
  readonly lengthFormat: number;
  /** wPINMaxExtraDigit, little endian: maximum, minimum. */
  readonly digits: readonly [number, number];
  readonly offsets: readonly [number, number];
  readonly confirm: number;
  readonly validation: number;
  readonly langId: readonly [number, number];
}

/** ASCII, left justified, positions in bytes, PIN at data offset 0 (bmFormatString). */
const FORMAT_ASCII_BYTES = 0x82;
/** The OK key ends entry (bEntryValidationCondition). */
const VALIDATE_WITH_KEY = 0x02;

/** Which PIN operations the reader offers on its keypad (bPINSupport). */
export function pinPadOperations(d: CcidDescriptor): { readonly verify: boolean; readonly modify: boolean } {
  return { verify: d.pinSupport.verification, modify: d.pinSupport.modification };
}

/** Checks `c` and works out the structure fields both standards share. Throws RangeError when unusable. */
export function pinPadFields(c: PinPadCommand): PinPadFields {
  const { timeoutSeconds = 0, minDigits = 6, maxDigits = c.pinBlock } = c;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0 || timeoutSeconds > 255)
    throw new RangeError('timeoutSeconds must be 0..255');
  if (!(c.pinBlock >= 1 && c.pinBlock <= 15)) throw new RangeError('the PIN block is 1..15 bytes');
  if (!(minDigits >= 1 && minDigits <= maxDigits && maxDigits <= c.pinBlock))
    throw new RangeError('need 1 ≤ minDigits ≤ maxDigits ≤ the PIN block');
  const dataLength = c.apdu[4] ?? 0;
  const newAt = c.newPinOffset ?? 0;
  const fields = c.operation === 'modify' ? newAt + c.pinBlock : c.pinBlock;
  if (c.apdu.length !== 5 + dataLength || dataLength < fields)
    throw new RangeError('the APDU must be a short case-3 command holding its PIN fields');
  return {
    timeout: timeoutSeconds,
    format: FORMAT_ASCII_BYTES,
    block: c.pinBlock, // no PIN-length field
    lengthFormat: 0x00,
    digits: [maxDigits, minDigits],
    offsets: [0, newAt],
    confirm: c.enterCurrent ? 0x03 : 0x01,
    validation: VALIDATE_WITH_KEY,
    langId: [0x09, 0x04], // English (US), USB language id 0409
  };
}

/** How many messages the reader shows: none without a display (wLcdLayout 0). */
const messages = (d: CcidDescriptor, wanted: number) => (d.lcdLayout ? wanted : 0);

/**
 * abData of PC_to_RDR_Secure (§6.1.11) for `c`: bPINOperation ‖ the PIN Verification or Modification Data
 * Structure ‖ the APDU. `teoPrologue` is for TPDU-level readers running T=1 (NAD, PCB, LEN); zeros elsewhere.
 */
export function secureAbData(
  d: CcidDescriptor,
  c: PinPadCommand,
  teoPrologue: Uint8Array = new Uint8Array(3),
): Uint8Array {
  const f = pinPadFields(c);
  if (teoPrologue.length !== 3) throw new RangeError('bTeoPrologue is 3 bytes');
  if (c.operation === 'verify')
    return Uint8Array.of(
      PIN_OPERATION.VERIFY,
      f.timeout,
      f.format,
      f.block,
      f.lengthFormat,
      ...f.digits,
      f.validation,
      messages(d, 1),
      ...f.langId,
      0x00, // bMsgIndex: "Enter PIN"
      ...teoPrologue,
      ...c.apdu,
    );
  const count = messages(d, 3);
  return Uint8Array.of(
    PIN_OPERATION.MODIFY,
    f.timeout,
    f.format,
    f.block,
    f.lengthFormat,
    ...f.offsets, // bInsertionOffsetOld, bInsertionOffsetNew
    ...f.digits,
    f.confirm,
    f.validation,
    count,
    ...f.langId,
    ...[0x00, 0x01, 0x02].slice(0, Math.max(count, 1)), // "Enter PIN", "Enter new PIN", "Confirm new PIN"
    ...teoPrologue,
    ...c.apdu,
  );
}
