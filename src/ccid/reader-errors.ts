/**
 * bError and bmICCStatus to typed errors (CCID rev 1.1 §6.2.6, Tables 6.2-2 and 6.2-3).
 */
import { AppError } from '../app-error';
import { COMMAND_STATUS, ICC_STATUS, type CcidReply } from './messages-reply';

/** Slot error register values, bError when bmCommandStatus = 1 (CCID rev 1.1 §6.2.6, Table 6.2-2). */
export const SLOT_ERROR = {
  CMD_ABORTED: 0xff,
  ICC_MUTE: 0xfe,
  XFR_PARITY_ERROR: 0xfd,
  XFR_OVERRUN: 0xfc,
  HW_ERROR: 0xfb,
  BAD_ATR_TS: 0xf8,
  BAD_ATR_TCK: 0xf7,
  ICC_PROTOCOL_NOT_SUPPORTED: 0xf6,
  ICC_CLASS_NOT_SUPPORTED: 0xf5,
  PROCEDURE_BYTE_CONFLICT: 0xf4,
  DEACTIVATED_PROTOCOL: 0xf3,
  BUSY_WITH_AUTO_SEQUENCE: 0xf2,
  PIN_TIMEOUT: 0xf0,
  PIN_CANCELLED: 0xef,
  CMD_SLOT_BUSY: 0xe0,
  CMD_NOT_SUPPORTED: 0x00,
} as const;

/** Codes of the `AppError('ccid', code)`s the reader raises. */
export type CcidErrorCode =
  | keyof typeof SLOT_ERROR
  | 'NO_CARD'
  | 'CARD_INACTIVE'
  | 'BAD_PARAMETER'
  | 'VENDOR_ERROR'
  | 'MALFORMED_REPLY'
  | 'BAD_SEQUENCE'
  | 'UNEXPECTED_REPLY'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'CHARACTER_LEVEL_UNSUPPORTED'
  | 'NOT_A_CCID_READER'
  | 'BAD_DESCRIPTOR'
  | 'NO_BULK_ENDPOINTS'
  | 'APDU_TOO_LONG'
  | 'PROTOCOL_UNSUPPORTED'
  | 'NOT_POWERED'
  | 'CLOSED'
  | 'USB_TRANSFER_FAILED';

const NAMES = new Map<number, keyof typeof SLOT_ERROR>(
  Object.entries(SLOT_ERROR).map(([k, v]) => [v, k as keyof typeof SLOT_ERROR]),
);

/**
 * The error a failed reply stands for, or null when the command succeeded. No card and an inactive card
 * take precedence over bError because readers report them with a generic ICC_MUTE (§6.2.6).
 */
export function replyError(reply: CcidReply, command: string): AppError | null {
  if (reply.commandStatus !== COMMAND_STATUS.FAILED) return null;
  const fields = { slot: reply.slot, command, bError: reply.error, iccStatus: reply.iccStatus };
  if (reply.iccStatus === ICC_STATUS.NO_ICC) {
    return new AppError('ccid', 'NO_CARD', `No card in slot ${reply.slot}`, fields);
  }
  const name = NAMES.get(reply.error);
  // A mute card after IccPowerOn is just that (wrong voltage, dead card); elsewhere it means "not powered".
  if (
    reply.iccStatus === ICC_STATUS.PRESENT_INACTIVE &&
    reply.error === SLOT_ERROR.ICC_MUTE &&
    command !== 'IccPowerOn'
  ) {
    return new AppError('ccid', 'CARD_INACTIVE', `The card in slot ${reply.slot} is not powered`, fields);
  }
  if (name) return new AppError('ccid', name, `${command} failed in slot ${reply.slot}: ${name}`, fields);
  if (reply.error >= 0x01 && reply.error <= 0x7f) {
    return new AppError('ccid', 'BAD_PARAMETER', `${command}: the reader rejected the field at offset ${reply.error}`, {
      ...fields,
      offset: reply.error,
    });
  }
  return new AppError(
    'ccid',
    'VENDOR_ERROR',
    `${command} failed with vendor error 0x${reply.error.toString(16)}`,
    fields,
  );
}
