/**
 * RDR_to_PC bulk-in replies (CCID rev 1.1 §6.2) and interrupt-in notifications (§6.3): pure parsers and
 * encoders. Parsers validate every length and throw only `AppError('ccid', 'MALFORMED_REPLY')`.
 */
import { AppError } from '../app-error';
import { u32le } from './descriptor';
import { buildMessage, CCID_HEADER_LENGTH, encodeProtocolParameters, type ProtocolParameters } from './messages';

/** RDR_to_PC bMessageType values (CCID rev 1.1 §6.2) and interrupt messages (§6.3). */
export const RDR_TO_PC = {
  DATA_BLOCK: 0x80,
  SLOT_STATUS: 0x81,
  PARAMETERS: 0x82,
  ESCAPE: 0x83,
  DATA_RATE_AND_CLOCK_FREQUENCY: 0x84,
  NOTIFY_SLOT_CHANGE: 0x50,
  HARDWARE_ERROR: 0x51,
} as const;

/** bmICCStatus, bStatus bits 1..0 (CCID rev 1.1 §6.2.6, Table 6.2-3). */
export const ICC_STATUS = { PRESENT_ACTIVE: 0, PRESENT_INACTIVE: 1, NO_ICC: 2 } as const;
/** bmCommandStatus, bStatus bits 7..6 (CCID rev 1.1 §6.2.6, Table 6.2-3). */
export const COMMAND_STATUS = { OK: 0, FAILED: 1, TIME_EXTENSION: 2 } as const;

/** bChainParameter of RDR_to_PC_DataBlock (CCID rev 1.1 §6.2.1). */
export const CHAIN_PARAMETER = {
  BEGIN_AND_END: 0x00,
  BEGIN: 0x01,
  END: 0x02,
  CONTINUE: 0x03,
  CONTINUE_COMMAND: 0x10,
} as const;

/** Fields common to every bulk-in reply (§6.2.6). */
interface ReplyBase {
  readonly slot: number;
  readonly seq: number;
  readonly iccStatus: 0 | 1 | 2;
  readonly commandStatus: 0 | 1 | 2;
  /** bError (Table 6.2-2); meaningful when commandStatus is FAILED, and BWI multiplier on time extension. */
  readonly error: number;
}

/** A parsed RDR_to_PC message. */
export type CcidReply =
  | (ReplyBase & { readonly type: 'DataBlock'; readonly chainParameter: number; readonly data: Uint8Array })
  | (ReplyBase & { readonly type: 'SlotStatus'; readonly clockStatus: number })
  | (ReplyBase & {
      readonly type: 'Parameters';
      readonly protocol: number;
      readonly parameters: ProtocolParameters | null;
    })
  | (ReplyBase & { readonly type: 'Escape'; readonly data: Uint8Array })
  | (ReplyBase & {
      readonly type: 'DataRateAndClockFrequency';
      readonly clockKhz: number;
      readonly dataRate: number | null;
    });

/** A parsed interrupt-in message (§6.3). */
export type CcidNotification =
  | {
      readonly type: 'NotifySlotChange';
      readonly slots: readonly { readonly present: boolean; readonly changed: boolean }[];
    }
  | { readonly type: 'HardwareError'; readonly slot: number; readonly seq: number; readonly code: number };

function malformed(message: string, bytes: Uint8Array): AppError {
  return new AppError('ccid', 'MALFORMED_REPLY', message, { length: bytes.length, type: bytes[0] });
}

/**
 * Decodes T=0 / T=1 abProtocolDataStructure (Tables 6.1-6 / 6.1-7); null when the length does not fit.
 * Both start bmFindexDindex, bmTCCKST, bGuardTime, bWaitingInteger(s), bClockStop; T=1 adds bIFSC, bNadValue.
 */
function decodeParameters(protocol: number, d: Uint8Array): ProtocolParameters | null {
  const common = { findexDindex: d[0]!, tcckst: d[1]!, guardTime: d[2]!, clockStop: d[4]! };
  if (protocol === 0 && d.length === 5) return { protocol: 0, ...common, waitingInteger: d[3]! };
  if (protocol === 1 && d.length === 7) {
    return { protocol: 1, ...common, waitingIntegers: d[3]!, ifsc: d[5]!, nad: d[6]! };
  }
  return null;
}

/** Parses the common header and bStatus (§6.2.6); throws MALFORMED_REPLY on short or inconsistent bytes. */
function parseBase(bytes: Uint8Array): { base: ReplyBase; data: Uint8Array; b9: number } {
  if (bytes.length < CCID_HEADER_LENGTH)
    throw malformed(`A CCID reply needs 10 header bytes, got ${bytes.length}`, bytes);
  const length = u32le(bytes, 1);
  if (bytes.length !== CCID_HEADER_LENGTH + length) {
    throw malformed(`dwLength says ${length} data bytes but ${bytes.length - CCID_HEADER_LENGTH} arrived`, bytes);
  }
  const status = bytes[7]!;
  const iccStatus = status & 0x03;
  const commandStatus = status >> 6;
  if (iccStatus === 3 || commandStatus === 3) throw malformed('bStatus uses a reserved value', bytes);
  const base = {
    slot: bytes[5]!,
    seq: bytes[6]!,
    iccStatus: iccStatus as 0 | 1 | 2,
    commandStatus: commandStatus as 0 | 1 | 2,
    error: bytes[8]!,
  };
  return { base, data: bytes.slice(CCID_HEADER_LENGTH), b9: bytes[9]! };
}

/** Parses one RDR_to_PC bulk-in message (CCID rev 1.1 §6.2.1–§6.2.5). Throws only `AppError`. */
export function parseReply(bytes: Uint8Array): CcidReply {
  const { base, data, b9 } = parseBase(bytes);
  switch (bytes[0]) {
    case RDR_TO_PC.DATA_BLOCK: // §6.2.1: [9] bChainParameter
      return { type: 'DataBlock', ...base, chainParameter: b9, data };
    case RDR_TO_PC.SLOT_STATUS: // §6.2.2: [9] bClockStatus, no abData
      if (data.length !== 0) throw malformed('RDR_to_PC_SlotStatus carries no data', bytes);
      return { type: 'SlotStatus', ...base, clockStatus: b9 };
    case RDR_TO_PC.PARAMETERS: {
      // §6.2.3: [9] bProtocolNum; abData is the structure, or empty when the command failed.
      const parameters = decodeParameters(b9, data);
      if (parameters === null && !(data.length === 0 && base.commandStatus !== 0)) {
        throw malformed(`RDR_to_PC_Parameters for T=${b9} has ${data.length} data bytes`, bytes);
      }
      return { type: 'Parameters', ...base, protocol: b9, parameters };
    }
    case RDR_TO_PC.ESCAPE: // §6.2.4: [9] RFU
      return { type: 'Escape', ...base, data };
    case RDR_TO_PC.DATA_RATE_AND_CLOCK_FREQUENCY: {
      // §6.2.5: abData = dwClockFrequency ‖ dwDataRate; empty when the command failed.
      if (data.length === 8)
        return { type: 'DataRateAndClockFrequency', ...base, clockKhz: u32le(data, 0), dataRate: u32le(data, 4) };
      if (data.length === 0 && base.commandStatus !== 0)
        return { type: 'DataRateAndClockFrequency', ...base, clockKhz: 0, dataRate: null };
      throw malformed('RDR_to_PC_DataRateAndClockFrequency needs 8 data bytes', bytes);
    }
    default:
      throw malformed(`Unknown RDR_to_PC message type 0x${(bytes[0] ?? 0).toString(16)}`, bytes);
  }
}

/** Encodes a reply; the inverse of `parseReply`, used by tests and round-trip checks. */
export function encodeReply(r: CcidReply): Uint8Array {
  const a = { slot: r.slot, seq: r.seq };
  const status = (r.commandStatus << 6) | r.iccStatus;
  switch (r.type) {
    case 'DataBlock':
      return buildMessage(RDR_TO_PC.DATA_BLOCK, a, [status, r.error, r.chainParameter], r.data);
    case 'SlotStatus':
      return buildMessage(RDR_TO_PC.SLOT_STATUS, a, [status, r.error, r.clockStatus]);
    case 'Parameters':
      return buildMessage(
        RDR_TO_PC.PARAMETERS,
        a,
        [status, r.error, r.protocol],
        r.parameters ? encodeProtocolParameters(r.parameters) : undefined,
      );
    case 'Escape':
      return buildMessage(RDR_TO_PC.ESCAPE, a, [status, r.error, 0], r.data);
    case 'DataRateAndClockFrequency': {
      if (r.dataRate === null) return buildMessage(RDR_TO_PC.DATA_RATE_AND_CLOCK_FREQUENCY, a, [status, r.error, 0]);
      const ab = new Uint8Array(8);
      new DataView(ab.buffer).setUint32(0, r.clockKhz, true);
      new DataView(ab.buffer).setUint32(4, r.dataRate, true);
      return buildMessage(RDR_TO_PC.DATA_RATE_AND_CLOCK_FREQUENCY, a, [status, r.error, 0], ab);
    }
  }
}

/**
 * Parses an interrupt-in message (CCID rev 1.1 §6.3). NotifySlotChange (§6.3.1) carries bmSlotICCState,
 * two bits per slot (bit 0 present, bit 1 changed), slot 0 in the low bits of the first byte.
 * HardwareError (§6.3.2): [1] bSlot, [2] bSeq, [3] bHardwareErrorCode.
 */
export function parseNotification(bytes: Uint8Array): CcidNotification {
  if (bytes[0] === RDR_TO_PC.NOTIFY_SLOT_CHANGE && bytes.length >= 2) {
    const slots = [];
    for (let i = 0; i < (bytes.length - 1) * 4; i++) {
      const bits = (bytes[1 + (i >> 2)]! >> ((i & 3) * 2)) & 0x03;
      slots.push({ present: (bits & 1) !== 0, changed: (bits & 2) !== 0 });
    }
    return { type: 'NotifySlotChange', slots };
  }
  if (bytes[0] === RDR_TO_PC.HARDWARE_ERROR && bytes.length === 4) {
    return { type: 'HardwareError', slot: bytes[1]!, seq: bytes[2]!, code: bytes[3]! };
  }
  throw malformed('Not a CCID interrupt message', bytes);
}
