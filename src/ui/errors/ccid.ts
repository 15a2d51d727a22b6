/**
 * Words for the CCID driver's codes (src/ccid): the USB reader and the link to the card in it. Most of
 * them mean the reader, the card or the contact between them misbehaved; the person can reseat the card,
 * reconnect the reader or try another one.
 */
import { say, type Describer, type Words } from './types';

const RESEAT = 'Remove the card and insert it again; if it happens again, try another reader.';

/** The reader and the card failed to talk at the protocol level. */
const garbled =
  (what: string): Describer =>
  () =>
    `The reader and the card did not understand each other (${what}). ${RESEAT}`;

/** The reader itself answered something a CCID reader should not. */
const readerFault =
  (what: string): Describer =>
  () =>
    `The reader answered in a way Keyward cannot use (${what}). Unplug the reader, plug it in again and retry; if it happens again, try another reader.`;

/** A limit of this reader (or of Keyward's driver for it), not of the card. */
const unsupported =
  (what: string): Describer =>
  () =>
    `This reader cannot be used by Keyward: ${what}. Use another reader, or the Keyward PC/SC bridge, which uses the computer's own driver.`;

/** Keyward asked the driver for something malformed: a bug, not something the person did. */
const bug: Describer = (_, message) =>
  `Keyward built a card command the reader driver refuses (${message}). This is a bug in Keyward; report it, with what you were doing.`;

/** `AppError('ccid', code)` → words. */
export const CCID_WORDS: Words = {
  ABORTED: say('The card operation was cancelled before it finished. Nothing more was sent to the card.'),
  TIMEOUT: say(
    'The reader did not answer in time. Check that it is plugged in firmly, remove and reinsert the card, and try again.',
  ),
  CARD_INACTIVE: say('The card in the reader is not powered. Remove it and insert it again.'),
  NOT_POWERED: say('The card was reset or powered off since Keyward opened it. Remove it, insert it again and retry.'),
  ICC_MUTE: say(
    'The card does not answer: it may be inserted the wrong way round, dirty, or not a smart card the reader can power. Check it and insert it again.',
  ),
  USB_TRANSFER_FAILED: say(
    'A USB transfer to the reader failed. Unplug the reader, plug it in again (directly, not through a hub if you can) and retry.',
  ),
  HW_ERROR: readerFault('a hardware error'),
  VENDOR_ERROR: readerFault('an error code of its own'),
  BAD_PARAMETER: readerFault('it rejected a field of a command'),
  CMD_NOT_SUPPORTED: readerFault('it does not support a command'),
  CMD_ABORTED: say('The reader abandoned the command. Try again.'),
  CMD_SLOT_BUSY: say('The reader is still busy with an earlier command. Wait a moment and try again.'),
  BUSY_WITH_AUTO_SEQUENCE: say('The reader is busy powering the card. Wait a moment and try again.'),
  MALFORMED_REPLY: readerFault('a malformed reply'),
  UNEXPECTED_REPLY: readerFault('a reply to another command'),
  BAD_SEQUENCE: readerFault('replies out of sequence'),
  PIN_TIMEOUT: say('The reader’s PIN pad waited too long for the PIN. Try again and type it on the pad.'),
  PIN_CANCELLED: say('The PIN entry was cancelled on the reader’s PIN pad. Try again if you meant to enter it.'),
  XFR_PARITY_ERROR: garbled('a parity error'),
  XFR_OVERRUN: garbled('the card sent more than the reader could take'),
  BAD_ATR_TS: garbled('the card’s answer to reset is unreadable'),
  BAD_ATR_TCK: garbled('the card’s answer to reset failed its checksum'),
  ATR_INVALID: garbled('the card’s answer to reset is not valid'),
  PROCEDURE_BYTE_CONFLICT: garbled('a T=0 procedure byte conflict'),
  T0_PROTOCOL: garbled('a T=0 protocol error'),
  T1_PROTOCOL: garbled('a T=1 protocol error'),
  T1_ABORTED: garbled('the card abandoned a T=1 exchange'),
  PPS_INVALID: garbled('a malformed protocol and speed negotiation'),
  PPS_REFUSED: garbled('the card refused the protocol and speed Keyward asked for'),
  DEACTIVATED_PROTOCOL: garbled('the protocol was switched off'),
  ICC_PROTOCOL_NOT_SUPPORTED: say(
    'The reader does not support the protocol this card speaks. Use another reader, or the Keyward PC/SC bridge.',
  ),
  ICC_CLASS_NOT_SUPPORTED: say(
    'The reader cannot power this card at the voltage it needs. Use another reader, or the Keyward PC/SC bridge.',
  ),
  PPS_UNSUPPORTED_PROTOCOL: unsupported('the card asks for a protocol the driver does not speak'),
  PROTOCOL_UNSUPPORTED: unsupported('it offers neither T=0 nor T=1 at a level the driver supports'),
  CHARACTER_LEVEL_UNSUPPORTED: unsupported('it exchanges single characters, which the driver does not support'),
  NOT_A_CCID_READER: unsupported('the chosen device is not a CCID smart-card reader'),
  BAD_DESCRIPTOR: unsupported('its USB description of itself is damaged'),
  NO_BULK_ENDPOINTS: unsupported('it lacks the USB endpoints a CCID reader needs'),
  APDU_TOO_LONG: say(
    'The command is longer than this reader can carry to the card. Use another reader, or the Keyward PC/SC bridge.',
  ),
  T0_EXTENDED_UNSUPPORTED: bug,
  APDU_MALFORMED: bug,
};
