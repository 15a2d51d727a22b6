/**
 * Protocol and parameters selection, PPS (ISO/IEC 7816-3:2006 §9).
 *
 * Request and response layout (§9.2):
 *   PPSS  = FF                          initial byte
 *   PPS0  = b5 PPS1, b6 PPS2, b7 PPS3 present (b8 RFU = 0) | b4..b1 protocol T
 *   PPS1  = FI | DI                     coded as TA1 (Tables 7, 8)
 *   PPS2  = SPU                         (§9.2)
 *   PPS3  = RFU
 *   PCK   = check: XOR of PPSS..PCK is 00
 */
import { AppError } from '../app-error';
import type { Atr } from './atr-types';
import { decodeTa1 } from './atr';

/** PPS byte values and PPS0 presence bits (§9.2). */
export const PPS = {
  PPSS: 0xff,
  PPS0_PPS1: 0x10,
  PPS0_PPS2: 0x20,
  PPS0_PPS3: 0x40,
  PPS0_PROTOCOL_MASK: 0x0f,
} as const;

/** What a CCID reader can do, from its class descriptor (CCID rev 1.1 §5.1). */
export interface PpsReaderLimits {
  /** dwDataRate list (bps) from GET_DATA_RATES; when present, the rate must be one of these. */
  readonly dataRates?: readonly number[];
  /** dwMaxDataRate, bps. */
  readonly maxDataRate: number;
  /** dwDefaultClock, kHz: the clock the reader drives the card with. */
  readonly defaultClockKhz: number;
  /** dwMaximumClock, kHz. */
  readonly maxClockKhz: number;
}

/** The fields of one PPS request or response (§9.2). */
export interface PpsFields {
  readonly protocol: number;
  /** FI/DI byte (as TA1); absent means the default Fd = 372, Dd = 1. */
  readonly pps1?: number;
  readonly pps2?: number;
  readonly pps3?: number;
}

/** A PPS the interface device should send, and what it achieves. */
export interface PpsChoice extends PpsFields {
  readonly fi: number;
  readonly di: number;
  /** Resulting bit rate f·Di/Fi at the reader's default clock, bps. */
  readonly bitRate: number;
}

// Data rates in descriptors are rounded to whole bps; allow that rounding and no more.
const RATE_TOLERANCE_BPS = 2;

function rateAllowed(rate: number, reader: PpsReaderLimits): boolean {
  if (rate > reader.maxDataRate + RATE_TOLERANCE_BPS) return false;
  if (!reader.dataRates || reader.dataRates.length === 0) return true;
  return reader.dataRates.some((r) => Math.abs(r - rate) <= RATE_TOLERANCE_BPS);
}

/**
 * Candidate FI/DI codes: the card's Fi with its Di or any smaller Di (§9.2 allows values between the
 * defaults and TA1's). A smaller Fi with the same Di would be faster than the card declared, so is not tried.
 * f(max) is the lower of the card's (TA1) and the candidate's (Table 7).
 */
function candidates(cardTa1: number): { code: number; fi: number; di: number; fMaxHz: number }[] {
  const card = decodeTa1(cardTa1);
  if (!card) return [];
  const out = [];
  for (let d = 1; d < 16; d++) {
    const code = (cardTa1 & 0xf0) | d;
    const v = decodeTa1(code);
    if (v && v.di <= card.di) out.push({ code, ...v, fMaxHz: Math.min(v.fMaxHz, card.fMaxHz) });
  }
  return out;
}

/**
 * Chooses the PPS for `protocol`: the fastest Fi/Di both the card (TA1) and the reader support, where bit
 * rate = f·Di/Fi at the reader's default clock must not exceed `maxDataRate`, must be in `dataRates` when
 * the reader lists them, and f must not exceed the card's f(max) for that FI (Table 7).
 *
 * Returns null when no PPS is needed or allowed: the card is in specific mode (TA2 present, §8.3: the
 * reader applies TA1 itself, or a warm reset is needed to negotiate), or `protocol` is the first offered
 * and the default Fd/Dd is the best available. Throws `PPS_UNSUPPORTED_PROTOCOL` if the card does not offer it.
 */
export function choosePps(atr: Atr, reader: PpsReaderLimits, protocol: number): PpsChoice | null {
  if (atr.specificMode) return null;
  if (!atr.protocols.includes(protocol)) {
    throw new AppError(
      'ccid',
      'PPS_UNSUPPORTED_PROTOCOL',
      `card offers T=${atr.protocols.join(',')}, not T=${protocol}`,
      { protocol },
    );
  }
  const clockHz = reader.defaultClockKhz * 1000;
  let best: PpsChoice | undefined;
  for (const c of candidates(atr.ta1)) {
    if (clockHz > c.fMaxHz || clockHz > reader.maxClockKhz * 1000) continue;
    const bitRate = (clockHz * c.di) / c.fi;
    if (!rateAllowed(bitRate, reader)) continue;
    if (!best || bitRate > best.bitRate) best = { protocol, pps1: c.code, fi: c.fi, di: c.di, bitRate };
  }
  // Fd/Dd (372/1) is where the card starts; a candidate is only worth a PPS if it is faster.
  const defaultRate = clockHz / 372;
  const isDefault = !best || best.bitRate <= defaultRate;
  if (isDefault && protocol === atr.protocols[0]) return null;
  if (isDefault) return { protocol, fi: 372, di: 1, bitRate: defaultRate };
  return best!;
}

function pck(bytes: ArrayLike<number>, end: number): number {
  let x = 0;
  for (let i = 0; i < end; i++) x ^= bytes[i]!;
  return x;
}

/** Encodes a PPS request (§9.2): PPSS PPS0 [PPS1] [PPS2] [PPS3] PCK. */
export function buildPpsRequest(fields: PpsFields): Uint8Array {
  if (!Number.isInteger(fields.protocol) || fields.protocol < 0 || fields.protocol > 14) {
    throw new AppError('ccid', 'PPS_INVALID', `protocol T=${fields.protocol} cannot be requested`);
  }
  const out = [PPS.PPSS, fields.protocol];
  const optional = [
    [fields.pps1, PPS.PPS0_PPS1],
    [fields.pps2, PPS.PPS0_PPS2],
    [fields.pps3, PPS.PPS0_PPS3],
  ] as const;
  for (const [value, bit] of optional) {
    if (value === undefined) continue;
    out[1]! |= bit;
    out.push(value & 0xff);
  }
  out.push(pck(out, out.length));
  return Uint8Array.from(out);
}

/** Decodes one PPS message (request or response) and checks PCK (§9.2). */
export function decodePps(bytes: Uint8Array): PpsFields {
  const bad = (why: string) => new AppError('ccid', 'PPS_INVALID', `PPS message ${why}`, { length: bytes.length });
  if (bytes.length < 3) throw bad(`has ${bytes.length} bytes; PPSS, PPS0 and PCK are mandatory`);
  if (bytes[0] !== PPS.PPSS) throw bad(`starts with ${bytes[0]!.toString(16)}, not PPSS FF`);
  const pps0 = bytes[1]!;
  const fields: { -readonly [K in keyof PpsFields]: PpsFields[K] } = { protocol: pps0 & PPS.PPS0_PROTOCOL_MASK };
  let pos = 2;
  for (const [bit, key] of [
    [PPS.PPS0_PPS1, 'pps1'],
    [PPS.PPS0_PPS2, 'pps2'],
    [PPS.PPS0_PPS3, 'pps3'],
  ] as const) {
    if (!(pps0 & bit)) continue;
    if (pos >= bytes.length - 1) throw bad(`ends before ${key.toUpperCase()}`);
    fields[key] = bytes[pos++]!;
  }
  if (pos !== bytes.length - 1) throw bad(`has ${bytes.length - 1 - pos} unexpected byte(s) before PCK`);
  if (pck(bytes, bytes.length) !== 0) throw bad('has a wrong PCK');
  return fields;
}

/**
 * Checks the card's PPS response against the request (§9.3) and returns what was agreed. Success is an
 * exact echo, or an echo of PPSS/PPS0 protocol with PPS1 (then Fd/Dd apply), PPS2 or PPS3 left out.
 * Anything else is `PPS_REFUSED`; a malformed response is `PPS_INVALID`.
 */
export function parsePpsResponse(request: Uint8Array, response: Uint8Array): PpsFields {
  const req = decodePps(request);
  const res = decodePps(response);
  const refuse = (why: string) =>
    new AppError('ccid', 'PPS_REFUSED', `card refused the PPS: ${why}`, { protocol: req.protocol });
  if (res.protocol !== req.protocol) throw refuse(`answered T=${res.protocol} to T=${req.protocol}`);
  for (const key of ['pps1', 'pps2', 'pps3'] as const) {
    if (res[key] !== undefined && res[key] !== req[key])
      throw refuse(`${key.toUpperCase()} is not an echo of the request`);
  }
  return res;
}
