/**
 * The virtual reader's own CCID framing, written apart from src/ccid/messages*.ts on purpose: if both
 * sides shared one codec, a bug in it would be symmetric and invisible. Layouts follow CCID rev 1.1:
 * 10-byte header [0] bMessageType [1..4] dwLength LE [5] bSlot [6] bSeq [7..9] specific (§6.1, §6.2).
 */

/** Bulk-out message types the virtual reader understands (CCID rev 1.1 §6.1). */
export const SIM_PC_TO_RDR = {
  SET_PARAMETERS: 0x61,
  ICC_POWER_ON: 0x62,
  ICC_POWER_OFF: 0x63,
  GET_SLOT_STATUS: 0x65,
  ESCAPE: 0x6b,
  GET_PARAMETERS: 0x6c,
  RESET_PARAMETERS: 0x6d,
  XFR_BLOCK: 0x6f,
  SECURE: 0x69,
  ABORT: 0x72,
} as const;

/** Bulk-in and interrupt message types (CCID rev 1.1 §6.2, §6.3). */
export const SIM_RDR_TO_PC = {
  DATA_BLOCK: 0x80,
  SLOT_STATUS: 0x81,
  PARAMETERS: 0x82,
  ESCAPE: 0x83,
  NOTIFY_SLOT_CHANGE: 0x50,
} as const;

/** bError values the virtual reader reports (CCID rev 1.1 Table 6.2-2). */
export const SIM_ERROR = {
  CMD_ABORTED: 0xff,
  ICC_MUTE: 0xfe,
  XFR_OVERRUN: 0xfc,
  ICC_PROTOCOL_NOT_SUPPORTED: 0xf6,
  CMD_SLOT_BUSY: 0xe0,
  PIN_TIMEOUT: 0xf0,
  PIN_CANCELLED: 0xef,
  CMD_NOT_SUPPORTED: 0x00,
} as const;

/** bmICCStatus (bits 1..0) and bmCommandStatus (bits 7..6) of bStatus (CCID rev 1.1 Table 6.2-3). */
export const SIM_ICC = { ACTIVE: 0, INACTIVE: 1, ABSENT: 2 } as const;
export const SIM_CMD = { OK: 0, FAILED: 1, TIME_EXTENSION: 2 } as const;

/** A received bulk-out command. */
export interface SimCommand {
  readonly type: number;
  readonly slot: number;
  readonly seq: number;
  /** Bytes 7, 8, 9 of the header. */
  readonly p: readonly [number, number, number];
  readonly data: Uint8Array;
}

/** Splits a bulk-out transfer into a command; null when it is shorter than its header says. */
export function readCommand(bytes: Uint8Array): SimCommand | null {
  if (bytes.length < 10) return null;
  const length = bytes[1]! + bytes[2]! * 0x100 + bytes[3]! * 0x10000 + bytes[4]! * 0x1000000;
  if (bytes.length !== 10 + length) return null;
  return {
    type: bytes[0]!,
    slot: bytes[5]!,
    seq: bytes[6]!,
    p: [bytes[7]!, bytes[8]!, bytes[9]!],
    data: bytes.slice(10),
  };
}

/** Frames a bulk-in reply: type, dwLength LE, slot, seq, bStatus, bError, byte 9, data. */
export function frame(
  type: number,
  slot: number,
  seq: number,
  status: number,
  error: number,
  b9: number,
  data: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const out = new Uint8Array(10 + data.length);
  const n = data.length;
  out.set([type, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff, slot, seq, status, error, b9]);
  out.set(data, 10);
  return out;
}

/** bStatus from ICC and command status (Table 6.2-3). */
export function statusByte(icc: number, cmd: number): number {
  return (cmd << 6) | icc;
}

/** The reply type a command gets (CCID rev 1.1 §6.2, Table 6.2-1), used for failures. */
export function replyTypeFor(commandType: number): number {
  switch (commandType) {
    case SIM_PC_TO_RDR.ICC_POWER_ON:
    case SIM_PC_TO_RDR.XFR_BLOCK:
    case SIM_PC_TO_RDR.SECURE:
      return SIM_RDR_TO_PC.DATA_BLOCK;
    case SIM_PC_TO_RDR.SET_PARAMETERS:
    case SIM_PC_TO_RDR.GET_PARAMETERS:
    case SIM_PC_TO_RDR.RESET_PARAMETERS:
      return SIM_RDR_TO_PC.PARAMETERS;
    case SIM_PC_TO_RDR.ESCAPE:
      return SIM_RDR_TO_PC.ESCAPE;
    default:
      return SIM_RDR_TO_PC.SLOT_STATUS;
  }
}

/** A failure reply of the right type for `cmd`. */
export function failure(cmd: SimCommand, icc: number, error: number): Uint8Array {
  return frame(replyTypeFor(cmd.type), cmd.slot, cmd.seq, statusByte(icc, SIM_CMD.FAILED), error, 0);
}

/** RDR_to_PC_NotifySlotChange (§6.3.1): two bits per slot, bit 0 present, bit 1 changed. */
export function notifySlotChange(slots: readonly { present: boolean; changed: boolean }[]): Uint8Array {
  const out = new Uint8Array(1 + Math.ceil(slots.length / 4));
  out[0] = SIM_RDR_TO_PC.NOTIFY_SLOT_CHANGE;
  slots.forEach((s, i) => {
    out[1 + (i >> 2)]! |= ((s.present ? 1 : 0) | (s.changed ? 2 : 0)) << ((i & 3) * 2);
  });
  return out;
}

/** Reads the declared protocols of an ATR by walking its TD chain (ISO 7816-3 §8.2.3); [0] without TD1. */
export function atrProtocols(atr: Uint8Array): number[] {
  const protocols: number[] = [];
  let y = atr[1] ?? 0;
  let o = 2;
  for (;;) {
    o += [0x10, 0x20, 0x40].filter((bit) => y & bit).length;
    if (!(y & 0x80) || o >= atr.length) break;
    const td = atr[o]!;
    o += 1;
    if (!protocols.includes(td & 0x0f)) protocols.push(td & 0x0f);
    y = td;
  }
  const offered = protocols.filter((t) => t !== 15);
  return offered.length > 0 ? offered : [0];
}
