/**
 * Answer-to-reset parser (ISO/IEC 7816-3:2006 §8).
 *
 * Byte layout (§8.2, Figure 6):
 *   TS                    initial character: 3B direct, 3F inverse convention (§8.1)
 *   T0   = Y1 | K         Y1 (b8..b5) says which of TA1 TB1 TC1 TD1 follow; K (b4..b1) = number of historical bytes
 *   TAi TBi TCi TDi       interface bytes of group i; TDi = Yi+1 (b8..b5) | T (b4..b1)
 *   T1 .. TK              historical bytes (§8.2.4)
 *   TCK                   check byte: XOR of T0..TCK is 0 (§8.2.5); absent when only T=0 is indicated
 *
 * The reader has already undone the inverse convention, so the bytes given here are always the decoded
 * values; TS only records which convention the card used.
 */
import { toHex } from '../bytes';
import { AppError } from '../app-error';
import type { Atr, AtrInterfaceGroup } from './atr-types';

/** TS values (§8.1). */
export const ATR_TS = { DIRECT: 0x3b, INVERSE: 0x3f } as const;

/** Longest possible ATR: TS + 32 characters (§8.2.1). */
export const ATR_MAX_LENGTH = 33;

/** Table 7 (§8.3): FI → [Fi, f(max) in Hz]; `undefined` marks RFU values. */
const FI_TABLE: readonly ([number, number] | undefined)[] = [
  [372, 4e6],
  [372, 5e6],
  [558, 6e6],
  [744, 8e6],
  [1116, 12e6],
  [1488, 16e6],
  [1860, 20e6],
  undefined,
  undefined,
  [512, 5e6],
  [768, 7.5e6],
  [1024, 10e6],
  [1536, 15e6],
  [2048, 20e6],
  undefined,
  undefined,
];

/** Table 8 (§8.3): DI → Di; `undefined` marks RFU values. */
const DI_TABLE: readonly (number | undefined)[] = [
  undefined,
  1,
  2,
  4,
  8,
  16,
  32,
  64,
  12,
  20,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
];

/** Decodes TA1 per Tables 7 and 8; `undefined` when either half is RFU (the card then cannot be sped up). */
export function decodeTa1(ta1: number): { fi: number; di: number; fMaxHz: number } | undefined {
  const f = FI_TABLE[ta1 >> 4];
  const d = DI_TABLE[ta1 & 0x0f];
  if (f === undefined || d === undefined) return undefined;
  return { fi: f[0], di: d, fMaxHz: f[1] };
}

/** Why an ATR was refused; carried as `fields.reason` on the `ATR_INVALID` error. */
export type AtrFault = 'LENGTH' | 'TS' | 'TRUNCATED' | 'TRAILING' | 'TCK_MISSING' | 'TCK_MISMATCH' | 'HEX';

function invalid(reason: AtrFault, message: string, offset?: number): AppError {
  return new AppError('ccid', 'ATR_INVALID', message, offset === undefined ? { reason } : { reason, offset });
}

/** Reads the interface-byte groups (§8.2.3); returns them and the offset of the first historical byte. */
function readGroups(b: Uint8Array): { groups: AtrInterfaceGroup[]; next: number } {
  const groups: AtrInterfaceGroup[] = [];
  let y = b[1]! >> 4;
  let pos = 2;
  let protocol: number | undefined;
  for (let i = 1; ; i++) {
    const g: { -readonly [K in keyof AtrInterfaceGroup]: AtrInterfaceGroup[K] } = { index: i, protocol };
    for (const [bit, key] of [
      [0x1, 'ta'],
      [0x2, 'tb'],
      [0x4, 'tc'],
      [0x8, 'td'],
    ] as const) {
      if (!(y & bit)) continue;
      if (pos >= b.length)
        throw invalid('TRUNCATED', `ATR ends at byte ${pos} where T${key[1]!.toUpperCase()}${i} is announced`, pos);
      g[key] = b[pos++]!;
    }
    groups.push(g);
    if (g.td === undefined) return { groups, next: pos };
    y = g.td >> 4;
    protocol = g.td & 0x0f;
  }
}

/** The protocols offered (§8.2.3): T of each TDi except T=15 (global bytes), de-duplicated; [0] without TD1. */
function offeredProtocols(groups: readonly AtrInterfaceGroup[]): number[] {
  const out: number[] = [];
  for (const g of groups) {
    if (g.td === undefined) continue;
    const t = g.td & 0x0f;
    if (t !== 15 && !out.includes(t)) out.push(t);
  }
  return out.length === 0 ? [0] : out;
}

/** T=1 parameters from the first TA/TB/TC of a group i ≥ 3 announced as T=1 (§11.4.2, §11.4.3, §11.4.4). */
function t1Parameters(groups: readonly AtrInterfaceGroup[]): Atr['t1'] {
  let ifsc: number | undefined;
  let tb: number | undefined;
  let tc: number | undefined;
  for (const g of groups) {
    if (g.index < 3 || g.protocol !== 1) continue;
    ifsc ??= g.ta;
    tb ??= g.tb;
    tc ??= g.tc;
  }
  // IFSC 00 and FF are RFU (§11.4.2): keep the default rather than reject an otherwise usable card.
  const validIfsc = ifsc !== undefined && ifsc >= 1 && ifsc <= 0xfe ? ifsc : 32;
  // TB: BWI in b8..b5 (A..F RFU), CWI in b4..b1 (§11.4.3).
  const bwi = tb !== undefined && tb >> 4 <= 9 ? tb >> 4 : 4;
  const cwi = tb !== undefined ? tb & 0x0f : 13;
  return { ifsc: validIfsc, cwi, bwi, edc: tc !== undefined && tc & 0x01 ? 'crc' : 'lrc' };
}

/** TA2 (§8.3): specific mode; b8 = 1 means unable to change, b5 = 1 means implicit parameters. */
function specificMode(ta2: number | undefined): Atr['specificMode'] {
  if (ta2 === undefined) return undefined;
  return { protocol: ta2 & 0x0f, canChange: (ta2 & 0x80) === 0, implicitParameters: (ta2 & 0x10) !== 0 };
}

/** Checks TCK where required (§8.2.5) and that nothing follows it. */
function checkTck(b: Uint8Array, afterHistorical: number, needed: boolean): number | undefined {
  if (!needed) {
    if (afterHistorical !== b.length) {
      throw invalid(
        'TRAILING',
        `${b.length - afterHistorical} byte(s) after the historical bytes, at byte ${afterHistorical}, but only T=0 is offered so there is no TCK`,
        afterHistorical,
      );
    }
    return undefined;
  }
  if (afterHistorical >= b.length)
    throw invalid('TCK_MISSING', `TCK missing: ATR ends at byte ${afterHistorical}`, afterHistorical);
  if (afterHistorical + 1 !== b.length) {
    throw invalid(
      'TRAILING',
      `${b.length - afterHistorical - 1} byte(s) after TCK at byte ${afterHistorical}`,
      afterHistorical + 1,
    );
  }
  let x = 0;
  for (let i = 1; i < b.length; i++) x ^= b[i]!;
  if (x !== 0) {
    throw invalid(
      'TCK_MISMATCH',
      `TCK at byte ${afterHistorical} is ${toHex([b[afterHistorical]!])}; XOR of T0..TCK is ${toHex([x])}, not 00`,
      afterHistorical,
    );
  }
  return b[afterHistorical];
}

/**
 * Parses an ATR (ISO/IEC 7816-3:2006 §8.2). Throws `AppError('ccid', 'ATR_INVALID')` naming the fault and
 * its byte offset for anything malformed: bad TS, truncation, bytes left over, a TCK that does not check.
 * RFU parameter values are not errors; they leave the defaults in place (the card stays usable at 372/1).
 */
export function parseAtr(bytes: Uint8Array): Atr {
  if (bytes.length < 2)
    throw invalid('LENGTH', `ATR has ${bytes.length} byte(s); TS and T0 are mandatory`, bytes.length);
  if (bytes.length > ATR_MAX_LENGTH)
    throw invalid(
      'LENGTH',
      `ATR has ${bytes.length} bytes; at most ${ATR_MAX_LENGTH} are allowed (§8.2.1)`,
      ATR_MAX_LENGTH,
    );
  const ts = bytes[0]!;
  if (ts !== ATR_TS.DIRECT && ts !== ATR_TS.INVERSE)
    throw invalid('TS', `TS at byte 0 is ${toHex([ts])}, not 3B or 3F`, 0);
  const { groups, next } = readGroups(bytes);
  const k = bytes[1]! & 0x0f;
  if (next + k > bytes.length) {
    throw invalid(
      'TRUNCATED',
      `T0 announces ${k} historical bytes from byte ${next}, but the ATR ends at byte ${bytes.length}`,
      bytes.length,
    );
  }
  const protocols = offeredProtocols(groups);
  const tckNeeded = groups.some((g) => g.td !== undefined && (g.td & 0x0f) !== 0);
  const tck = checkTck(bytes, next + k, tckNeeded);
  const g1 = groups[0]!;
  const g2 = groups[1];
  const ta1 = g1.ta ?? 0x11;
  const rates = decodeTa1(ta1);
  // TC2 = 00 is RFU (§10.2); keep the default WI = 10 rather than a zero waiting time.
  const wi = g2?.tc !== undefined && g2.tc !== 0 ? g2.tc : 10;
  return {
    bytes: bytes.slice(),
    convention: ts === ATR_TS.DIRECT ? 'direct' : 'inverse',
    interfaceGroups: groups,
    historical: bytes.slice(next, next + k),
    ...(tck === undefined ? {} : { tck }),
    protocols,
    fi: rates?.fi ?? 372,
    di: rates?.di ?? 1,
    ...(rates === undefined ? {} : { fMaxHz: rates.fMaxHz }),
    ta1,
    extraGuardTime: g1.tc ?? 0,
    specificMode: specificMode(g2?.ta),
    wi,
    t1: t1Parameters(groups),
  };
}

/** Parses "3B 8F 80 01 …" or "3B8F8001…" hex into bytes; `AppError` ATR_INVALID on anything else. */
export function atrFromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean))
    throw invalid('HEX', `not an even-length hex string: ${JSON.stringify(text.slice(0, 80))}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
