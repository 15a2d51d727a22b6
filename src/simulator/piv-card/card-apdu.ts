/**
 * Command/response APDUs as the card sees them (ISO/IEC 7816-4:2020 §5.1) and the status words the PIV
 * card answers with (SP 800-73-4 Part 2 §3, ISO 7816-4 §5.6).
 *
 * Command layout: CLA INS P1 P2 [Lc Data] [Le]
 *   short:    Lc 1 byte (01..FF), Le 1 byte (00 = 256)
 *   extended: 00 Lc2 Lc1 (0001..FFFF), Le 2 bytes (0000 = 65536), or 00 Le2 Le1 when there is no data
 */

/** The status words this card produces. */
export const CARD_SW = {
  OK: 0x9000,
  MORE_DATA_00: 0x6100,
  VERIFY_FAILED_00: 0x63c0,
  WRONG_LENGTH: 0x6700,
  LAST_OF_CHAIN_EXPECTED: 0x6883,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  INCORRECT_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

/** A parsed command. `ne` is the expected response length (0 when Le is absent). */
export interface CardCommand {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  readonly ne: number;
  readonly extended: boolean;
}

/** Parses a short or extended command APDU; null when the lengths are inconsistent (→ 6700). */
export function parseCommand(a: Uint8Array): CardCommand | null {
  if (a.length < 4) return null;
  const head = { cla: a[0]!, ins: a[1]!, p1: a[2]!, p2: a[3]! };
  const none = new Uint8Array(0);
  if (a.length === 4) return { ...head, data: none, ne: 0, extended: false };
  if (a.length === 5) return { ...head, data: none, ne: a[4] || 256, extended: false };
  if (a[4] !== 0) {
    const lc = a[4]!;
    if (a.length === 5 + lc) return { ...head, data: a.slice(5), ne: 0, extended: false };
    if (a.length === 6 + lc) return { ...head, data: a.slice(5, 5 + lc), ne: a[5 + lc] || 256, extended: false };
    return null;
  }
  if (a.length === 7) return { ...head, data: none, ne: (a[5]! << 8) | a[6]! || 65536, extended: true };
  const lc = (a[5]! << 8) | a[6]!;
  if (lc === 0) return null;
  if (a.length === 7 + lc) return { ...head, data: a.slice(7), ne: 0, extended: true };
  if (a.length === 9 + lc)
    return { ...head, data: a.slice(7, 7 + lc), ne: (a[7 + lc]! << 8) | a[8 + lc]! || 65536, extended: true };
  return null;
}

/** What a command handler returns: response data (maybe empty) and a status word. */
export interface CardReply {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** A reply with only a status word. */
export const status = (sw: number): CardReply => ({ data: new Uint8Array(0), sw });

/** A 9000 reply with data. */
export const ok = (data: Uint8Array = new Uint8Array(0)): CardReply => ({ data, sw: CARD_SW.OK });

/** Serialises data ‖ SW1 SW2. */
export function encodeReply(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}
