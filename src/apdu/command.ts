/**
 * Command APDU encoding (ISO/IEC 7816-4:2020 §5.1, §5.2).
 *
 *   header  CLA INS P1 P2
 *   case 1  header
 *   case 2S header Le                      Le 01..FF = Ne, 00 = 256
 *   case 3S header Lc data                 Lc 01..FF
 *   case 4S header Lc data Le
 *   case 2E header 00 Le1 Le2              Le 0001..FFFF = Ne, 0000 = 65536
 *   case 3E header 00 Lc1 Lc2 data         Lc 0001..FFFF
 *   case 4E header 00 Lc1 Lc2 data Le1 Le2
 *
 * `le` below is Ne, the number of response bytes expected, not the encoded byte: absent means no Le
 * field; 1..256 (short) or 1..65536 (extended) as given. `le: 0` means "all there is" and is encoded like
 * the maximum: Le 00 (short, Ne = 256) or 0000 (extended, Ne = 65536), as §5.1 defines for those values.
 */
import { AppError } from '../app-error';

/** A command APDU before encoding. */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** Ne: expected response length; see the module comment for 0, 256 and 65536. */
  readonly le?: number;
}

/** Short and extended field limits (§5.1). */
export const APDU_LIMITS = { SHORT_LC: 255, SHORT_NE: 256, EXTENDED_LC: 65535, EXTENDED_NE: 65536 } as const;

/** CLA bit 5 (b5 = 0x10): command chaining, "not the last command of a chain" (§5.4.2). */
export const CLA_CHAINING = 0x10;

function invalid(message: string, fields: Record<string, unknown> = {}): AppError {
  return new AppError('apdu', 'COMMAND_INVALID', message, fields);
}

function checkHeader(cmd: CommandApdu): void {
  for (const key of ['cla', 'ins', 'p1', 'p2'] as const) {
    const v = cmd[key];
    if (!Number.isInteger(v) || v < 0 || v > 0xff)
      throw invalid(`${key.toUpperCase()} ${v} is not a byte`, { [key]: v });
  }
  // INS 6X and 9X are invalid: T=0 would read them as procedure bytes (§5.1).
  if ((cmd.ins & 0xf0) === 0x60 || (cmd.ins & 0xf0) === 0x90)
    throw invalid(`INS ${cmd.ins.toString(16)} is invalid`, { ins: cmd.ins });
  if (cmd.cla === 0xff) throw invalid('CLA FF is invalid', { cla: cmd.cla });
}

/** True when `cmd` needs extended length fields: more than 255 data bytes or Ne above 256. */
export function needsExtended(cmd: CommandApdu): boolean {
  return (cmd.data?.length ?? 0) > APDU_LIMITS.SHORT_LC || (cmd.le ?? 0) > APDU_LIMITS.SHORT_NE;
}

/**
 * Encodes a command APDU, short or extended (`opts.extended`). Throws `COMMAND_INVALID` when a field is
 * out of range: a header value not a byte, INS 6X/9X, data or Ne too long for the chosen form.
 */
export function encodeCommand(cmd: CommandApdu, opts: { extended: boolean }): Uint8Array {
  checkHeader(cmd);
  const data = cmd.data ?? new Uint8Array(0);
  const le = cmd.le;
  const maxLc = opts.extended ? APDU_LIMITS.EXTENDED_LC : APDU_LIMITS.SHORT_LC;
  const maxNe = opts.extended ? APDU_LIMITS.EXTENDED_NE : APDU_LIMITS.SHORT_NE;
  if (data.length > maxLc) throw invalid(`${data.length} data bytes exceed Lc ${maxLc}`, { length: data.length });
  if (le !== undefined && (!Number.isInteger(le) || le < 0 || le > maxNe))
    throw invalid(`Ne ${le} is outside 0..${maxNe}`, { le });
  const width = opts.extended ? 2 : 1;
  const lcField = data.length > 0 ? (opts.extended ? 3 : 1) : 0;
  // Extended case 2 still needs the leading 00 before its two Le bytes (§5.2).
  const leField = le === undefined ? 0 : opts.extended && data.length === 0 ? 3 : width;
  const out = new Uint8Array(4 + lcField + data.length + leField);
  out.set([cmd.cla, cmd.ins, cmd.p1, cmd.p2]);
  let at = 4;
  if (data.length > 0) {
    if (opts.extended) out.set([0, data.length >> 8, data.length & 0xff], at);
    else out[at] = data.length;
    at += lcField;
    out.set(data, at);
    at += data.length;
  }
  if (le !== undefined) {
    const v = le === maxNe ? 0 : le; // 256 → 00, 65536 → 0000; 0 already means the maximum
    if (leField === 3) out.set([0, v >> 8, v & 0xff], at);
    else if (width === 2) out.set([v >> 8, v & 0xff], at);
    else out[at] = v;
  }
  return out;
}

/** A decoded command APDU: `le` is Ne (256 / 65536 for Le 00 / 0000); `extended` as encoded. */
export interface DecodedCommand extends CommandApdu {
  readonly data: Uint8Array;
  readonly extended: boolean;
}

/** Decodes a command APDU (cases 1–4, short or extended); `COMMAND_INVALID` when the lengths do not fit. */
export function decodeCommand(bytes: Uint8Array): DecodedCommand {
  const n = bytes.length;
  if (n < 4) throw invalid(`command of ${n} bytes has no header`, { length: n });
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const base = { cla, ins, p1, p2 };
  const none = new Uint8Array(0);
  if (n === 4) return { ...base, data: none, extended: false };
  const b = bytes[4]!;
  if (n === 5) return { ...base, data: none, le: b || 256, extended: false };
  if (b !== 0) {
    if (n === 5 + b) return { ...base, data: bytes.slice(5), extended: false };
    if (n === 6 + b) return { ...base, data: bytes.slice(5, -1), le: bytes[n - 1]! || 256, extended: false };
    throw invalid(`command of ${n} bytes does not match Lc ${b}`, { length: n });
  }
  const word = (i: number) => (bytes[i]! << 8) | bytes[i + 1]!;
  if (n === 7) return { ...base, data: none, le: word(5) || 65536, extended: true };
  const lc = n > 7 ? word(5) : 0;
  if (lc > 0 && n === 7 + lc) return { ...base, data: bytes.slice(7), extended: true };
  if (lc > 0 && n === 9 + lc)
    return { ...base, data: bytes.slice(7, 7 + lc), le: word(n - 2) || 65536, extended: true };
  throw invalid(`command of ${n} bytes has inconsistent extended lengths`, { length: n });
}
