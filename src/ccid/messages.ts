/**
 * PC_to_RDR bulk-out messages (CCID rev 1.1 §6.1): pure builders, no I/O.
 *
 * Every message is a 10-byte header then abData (§6.1, Table 6.1-1 and each message's table):
 *   [0] bMessageType  [1..4] dwLength (LE, = abData length)  [5] bSlot  [6] bSeq  [7..9] message-specific
 */

/** PC_to_RDR bMessageType values (CCID rev 1.1 §6.1). */
export const PC_TO_RDR = {
  SET_PARAMETERS: 0x61,
  ICC_POWER_ON: 0x62,
  ICC_POWER_OFF: 0x63,
  GET_SLOT_STATUS: 0x65,
  SECURE: 0x69,
  T0_APDU: 0x6a,
  ESCAPE: 0x6b,
  GET_PARAMETERS: 0x6c,
  RESET_PARAMETERS: 0x6d,
  ICC_CLOCK: 0x6e,
  XFR_BLOCK: 0x6f,
  MECHANICAL: 0x71,
  ABORT: 0x72,
  SET_DATA_RATE_AND_CLOCK_FREQUENCY: 0x73,
} as const;

/** Header size shared by every bulk message (CCID rev 1.1 §6.1, §6.2). */
export const CCID_HEADER_LENGTH = 10;

/** bPowerSelect of PC_to_RDR_IccPowerOn (CCID rev 1.1 §6.1.1). */
export const POWER_SELECT = { AUTOMATIC: 0x00, V5_0: 0x01, V3_0: 0x02, V1_8: 0x03 } as const;

/** wLevelParameter of PC_to_RDR_XfrBlock at extended APDU level (CCID rev 1.1 §6.1.4, Table 6.1-3). */
export const LEVEL_PARAMETER = {
  BEGIN_AND_END: 0x0000,
  BEGIN: 0x0001,
  END: 0x0002,
  CONTINUE: 0x0003,
  CONTINUE_RESPONSE: 0x0010,
} as const;

/** Where every message names its slot and sequence number. */
export interface Address {
  readonly slot: number;
  readonly seq: number;
}

/** abProtocolDataStructure for T=0 (CCID rev 1.1 §6.1.7, Table 6.1-6): 5 bytes. */
export interface T0Parameters {
  readonly protocol: 0;
  /** bmFindexDindex: Fi in the high nibble, Di in the low, as TA1. */
  readonly findexDindex: number;
  /** bmTCCKST0: bit 1 is the convention (0 direct, 1 inverse). */
  readonly tcckst: number;
  readonly guardTime: number;
  readonly waitingInteger: number;
  readonly clockStop: number;
}

/** abProtocolDataStructure for T=1 (CCID rev 1.1 §6.1.7, Table 6.1-7): 7 bytes. */
export interface T1Parameters {
  readonly protocol: 1;
  readonly findexDindex: number;
  /** bmTCCKST1: bit 0 CRC (1) or LRC (0), bit 1 convention; bits 7..2 are 000100b. */
  readonly tcckst: number;
  readonly guardTime: number;
  /** bmWaitingIntegersT1: BWI in the high nibble, CWI in the low. */
  readonly waitingIntegers: number;
  readonly clockStop: number;
  readonly ifsc: number;
  readonly nad: number;
}

export type ProtocolParameters = T0Parameters | T1Parameters;

/** Builds one message: header fields then abData (CCID rev 1.1 §6.1). */
export function buildMessage(
  type: number,
  a: Address,
  specific: readonly [number, number, number],
  data: Uint8Array = new Uint8Array(0),
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(CCID_HEADER_LENGTH + data.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(1, data.length, true); // dwLength, LE
  out[5] = a.slot;
  out[6] = a.seq & 0xff;
  out.set(specific, 7);
  out.set(data, CCID_HEADER_LENGTH);
  return out;
}

/** PC_to_RDR_IccPowerOn (§6.1.1): [7] bPowerSelect, [8..9] RFU. */
export const iccPowerOn = (a: Address, powerSelect: number): Uint8Array<ArrayBuffer> =>
  buildMessage(PC_TO_RDR.ICC_POWER_ON, a, [powerSelect, 0, 0]);
/** PC_to_RDR_IccPowerOff (§6.1.2): [7..9] RFU. */
export const iccPowerOff = (a: Address): Uint8Array<ArrayBuffer> => buildMessage(PC_TO_RDR.ICC_POWER_OFF, a, [0, 0, 0]);
/** PC_to_RDR_GetSlotStatus (§6.1.3): [7..9] RFU. */
export const getSlotStatus = (a: Address): Uint8Array<ArrayBuffer> =>
  buildMessage(PC_TO_RDR.GET_SLOT_STATUS, a, [0, 0, 0]);
/** PC_to_RDR_GetParameters (§6.1.5): [7..9] RFU. */
export const getParameters = (a: Address): Uint8Array<ArrayBuffer> =>
  buildMessage(PC_TO_RDR.GET_PARAMETERS, a, [0, 0, 0]);
/** PC_to_RDR_ResetParameters (§6.1.6): [7..9] RFU. */
export const resetParameters = (a: Address): Uint8Array<ArrayBuffer> =>
  buildMessage(PC_TO_RDR.RESET_PARAMETERS, a, [0, 0, 0]);
/** PC_to_RDR_Abort (§6.1.13): [7..9] RFU. */
export const abort = (a: Address): Uint8Array<ArrayBuffer> => buildMessage(PC_TO_RDR.ABORT, a, [0, 0, 0]);
/** PC_to_RDR_Escape (§6.1.8): [7..9] RFU, abData vendor-defined. */
export const escape = (a: Address, data: Uint8Array): Uint8Array<ArrayBuffer> =>
  buildMessage(PC_TO_RDR.ESCAPE, a, [0, 0, 0], data);
/** PC_to_RDR_IccClock (§6.1.9): [7] bClockCommand (0 restart, 1 stop), [8..9] RFU. */
export const iccClock = (a: Address, stop: boolean): Uint8Array<ArrayBuffer> =>
  buildMessage(PC_TO_RDR.ICC_CLOCK, a, [stop ? 1 : 0, 0, 0]);
/** PC_to_RDR_Mechanical (§6.1.12): [7] bFunction (1 accept, 2 eject, 3 capture, 4 lock, 5 unlock). */
export const mechanical = (a: Address, fn: number): Uint8Array<ArrayBuffer> =>
  buildMessage(PC_TO_RDR.MECHANICAL, a, [fn, 0, 0]);

/** PC_to_RDR_XfrBlock (§6.1.4): [7] bBWI, [8..9] wLevelParameter (LE), abData the TPDU/APDU (part). */
export function xfrBlock(
  a: Address,
  data: Uint8Array,
  levelParameter: number = LEVEL_PARAMETER.BEGIN_AND_END,
  bwi = 0,
): Uint8Array<ArrayBuffer> {
  return buildMessage(PC_TO_RDR.XFR_BLOCK, a, [bwi, levelParameter & 0xff, levelParameter >> 8], data);
}

/** PC_to_RDR_Secure (§6.1.11): [7] bBWI, [8..9] wLevelParameter, abData = bPINOperation ‖ PIN data structure. */
export function secure(
  a: Address,
  pinOperation: number,
  data: Uint8Array,
  levelParameter = 0,
  bwi = 0,
): Uint8Array<ArrayBuffer> {
  const ab = new Uint8Array(1 + data.length);
  ab[0] = pinOperation;
  ab.set(data, 1);
  return buildMessage(PC_TO_RDR.SECURE, a, [bwi, levelParameter & 0xff, levelParameter >> 8], ab);
}

/** PC_to_RDR_T0APDU (§6.1.10): [7] bmChanges, [8] bClassGetResponse, [9] bClassEnvelope. */
export const t0Apdu = (
  a: Address,
  changes: number,
  classGetResponse: number,
  classEnvelope: number,
): Uint8Array<ArrayBuffer> => buildMessage(PC_TO_RDR.T0_APDU, a, [changes, classGetResponse, classEnvelope]);

/** PC_to_RDR_SetDataRateAndClockFrequency (§6.1.14): [7..9] RFU, abData = dwClockFrequency (kHz) ‖ dwDataRate (bps), LE. */
export function setDataRateAndClockFrequency(a: Address, clockKhz: number, dataRate: number): Uint8Array<ArrayBuffer> {
  const ab = new Uint8Array(8);
  const v = new DataView(ab.buffer);
  v.setUint32(0, clockKhz, true);
  v.setUint32(4, dataRate, true);
  return buildMessage(PC_TO_RDR.SET_DATA_RATE_AND_CLOCK_FREQUENCY, a, [0, 0, 0], ab);
}

/** Encodes abProtocolDataStructure for T=0 (Table 6.1-6) or T=1 (Table 6.1-7). */
export function encodeProtocolParameters(p: ProtocolParameters): Uint8Array<ArrayBuffer> {
  if (p.protocol === 0) return Uint8Array.of(p.findexDindex, p.tcckst, p.guardTime, p.waitingInteger, p.clockStop);
  return Uint8Array.of(p.findexDindex, p.tcckst, p.guardTime, p.waitingIntegers, p.clockStop, p.ifsc, p.nad);
}

/** PC_to_RDR_SetParameters (§6.1.7): [7] bProtocolNum, [8..9] RFU, abData the protocol data structure. */
export const setParameters = (a: Address, p: ProtocolParameters): Uint8Array<ArrayBuffer> =>
  buildMessage(PC_TO_RDR.SET_PARAMETERS, a, [p.protocol, 0, 0], encodeProtocolParameters(p));
