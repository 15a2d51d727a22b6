/**
 * PIN-pad readers under PC/SC (PC/SC Part 10 v2.02.09 §2.3): the reader's features from
 * GET_FEATURE_REQUEST, and the PIN_VERIFY_STRUCTURE / PIN_MODIFY_STRUCTURE sent with SCardControl to the
 * FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT control codes. Pure: the page builds the structures
 * (pcsc-bridge-card.ts) and the bridge checks them before forwarding (bridge/session.ts).
 *
 * GET_FEATURE_REQUEST answer (§2.3): TLVs, tag 1 byte (06 FEATURE_VERIFY_PIN_DIRECT, 07
 * FEATURE_MODIFY_PIN_DIRECT), length 04, value the control code, big endian.
 *
 * PIN_VERIFY_STRUCTURE (§2.3, FEATURE_VERIFY_PIN_DIRECT; multi-byte fields little endian):
 *   [0] bTimerOut [1] bTimerOut2 [2] bmFormatString [3] bmPINBlockString [4] bmPINLengthFormat
 *   [5..6] wPINMaxExtraDigit (max, min) [7] bEntryValidationCondition [8] bNumberMessage [9..10] wLangId
 *   [11] bMsgIndex [12..14] bTeoPrologue [15..18] ulDataLength [19..] abData (the APDU)
 * PIN_MODIFY_STRUCTURE (§2.3, FEATURE_MODIFY_PIN_DIRECT):
 *   [0] bTimerOut [1] bTimerOut2 [2] bmFormatString [3] bmPINBlockString [4] bmPINLengthFormat
 *   [5] bInsertionOffsetOld [6] bInsertionOffsetNew [7..8] wPINMaxExtraDigit [9] bConfirmPIN
 *   [10] bEntryValidationCondition [11] bNumberMessage [12..13] wLangId [14..16] bMsgIndex1..3
 *   [17..19] bTeoPrologue [20..23] ulDataLength [24..] abData
 * The fields mean what they mean in CCID's PC_to_RDR_Secure (CCID rev 1.1 §6.1.11), which the reader's
 * driver passes them on as (ccid/pin-pad.ts computes them once for both).
 *
 * The readers' driver (libccid, as PC/SC Part 10 leaves it to the IFD) answers an entry the holder
 * cancelled with SW 6401, one that timed out with 6400, and new PINs that differ with 6402.
 */
import { pinPadFields, type PinPadCommand } from '../ccid/pin-pad';

/** Feature tags of GET_FEATURE_REQUEST (PC/SC Part 10 §2.3). */
export const PCSC_FEATURE = { VERIFY_PIN_DIRECT: 0x06, MODIFY_PIN_DIRECT: 0x07 } as const;

/** The status words the reader's driver answers for an entry that did not reach the card. */
export const PIN_PAD_SW = { TIMEOUT: 0x6400, CANCELLED: 0x6401, DIFFERENT: 0x6402 } as const;

/** Instructions a PIN structure may carry: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER (ISO 7816-4). */
const PIN_INSTRUCTIONS: ReadonlySet<number> = new Set([0x20, 0x24, 0x2c]);

/** The control codes of the features the reader offers, by tag (§2.3 TLVs). Malformed TLVs end the list. */
export function parseFeatures(tlv: Uint8Array): Map<number, number> {
  const out = new Map<number, number>();
  for (let at = 0; at + 2 <= tlv.length;) {
    const tag = tlv[at]!;
    const length = tlv[at + 1]!;
    if (length !== 4 || at + 2 + length > tlv.length) break;
    out.set(tag, new DataView(tlv.buffer, tlv.byteOffset + at + 2, 4).getUint32(0, false));
    at += 2 + length;
  }
  return out;
}

const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

/** The structure for `command`: PIN_VERIFY_STRUCTURE or PIN_MODIFY_STRUCTURE (§2.3). */
export function pinStructure(command: PinPadCommand): Uint8Array {
  const f = pinPadFields(command);
  const head = [f.timeout, f.timeout, f.format, f.block, f.lengthFormat]; // bTimerOut2 as bTimerOut
  const tail = [0x00, 0x00, 0x00, ...le32(command.apdu.length), ...command.apdu]; // bTeoPrologue, ulDataLength, abData
  if (command.operation === 'verify')
    return Uint8Array.of(...head, ...f.digits, f.validation, 0x01, ...f.langId, 0x00, ...tail);
  return Uint8Array.of(
    ...head,
    ...f.offsets,
    ...f.digits,
    f.confirm,
    f.validation,
    0x03, // bNumberMessage: "Enter PIN", "Enter new PIN", "Confirm new PIN"
    ...f.langId,
    0x00,
    0x01,
    0x02,
    ...tail,
  );
}

/**
 * Checks a structure the page sent for `feature` before the bridge forwards it: its length adds up and its
 * APDU is a PIN command (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER), so the feature cannot carry
 * any other command to the card. Returns what is wrong, or null.
 */
export function pinStructureProblem(feature: 'verify' | 'modify', structure: Uint8Array): string | null {
  const at = feature === 'verify' ? 15 : 20;
  if (structure.length < at + 4 + 4) return 'the PIN structure is too short';
  const length = new DataView(structure.buffer, structure.byteOffset + at, 4).getUint32(0, true);
  const apdu = structure.subarray(at + 4);
  if (apdu.length !== length) return 'ulDataLength does not match the APDU';
  if (apdu.length !== 5 + apdu[4]! || !PIN_INSTRUCTIONS.has(apdu[1]!))
    return 'the APDU is not a VERIFY, CHANGE REFERENCE DATA or RESET RETRY COUNTER command';
  return null;
}
