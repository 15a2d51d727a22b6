/**
 * T=1 block codec (ISO/IEC 7816-3:2006 §11.3).
 *
 * Block frame (§11.3.1, Figure 16):
 *   prologue  NAD (node address) | PCB (protocol control) | LEN (INF length, 00..FE; FF is RFU)
 *   INF       0..254 bytes
 *   epilogue  LRC (1 byte) or CRC (2 bytes), see edc.ts
 *
 * PCB coding (§11.3.2.2, Tables 13–15):
 *   I-block  0 N(S) M 00000           N(S) send-sequence number, M more-data (chaining)
 *   R-block  1 0 0 N(R) 0000          error free
 *                          0001       EDC or parity error
 *                          0010       other error
 *   S-block  1 1 R/r 00000 RESYNCH, 00001 IFS, 00010 ABORT, 00011 WTX (b6 = 1 marks the response)
 */
import { AppError } from '../app-error';
import { checkEdc, computeEdc, EDC_LENGTH, type Edc } from './edc';

/** PCB bits (§11.3.2.2). */
export const PCB = {
  /** b8 = 0: I-block. */
  I_BLOCK: 0x00,
  /** I-block b7: N(S). */
  I_NS: 0x40,
  /** I-block b6: M, more data follows (chaining, §11.6.2). */
  I_MORE: 0x20,
  /** b8 b7 = 10: R-block. */
  R_BLOCK: 0x80,
  /** R-block b5: N(R). */
  R_NR: 0x10,
  /** R-block b4..b1 = 0001: EDC or parity error. */
  R_EDC_ERROR: 0x01,
  /** R-block b4..b1 = 0010: other error. */
  R_OTHER_ERROR: 0x02,
  /** b8 b7 = 11: S-block. */
  S_BLOCK: 0xc0,
  /** S-block b6: response (0 = request). */
  S_RESPONSE: 0x20,
} as const;

/** S-block types, PCB b5..b1 (§11.3.2.2, Table 15). */
export const S_BLOCK = { RESYNCH: 0x00, IFS: 0x01, ABORT: 0x02, WTX: 0x03 } as const;
/** An S-block type name: RESYNCH, IFS, ABORT or WTX. */
export type SBlockType = keyof typeof S_BLOCK;

/** Largest INF field (LEN FE, §11.3.1). */
export const T1_MAX_INF = 254;

/** A decoded T=1 block. */
export type T1Block =
  | { readonly kind: 'I'; readonly nad: number; readonly ns: 0 | 1; readonly more: boolean; readonly inf: Uint8Array }
  | { readonly kind: 'R'; readonly nad: number; readonly nr: 0 | 1; readonly error: 'none' | 'edc' | 'other' }
  | {
      readonly kind: 'S';
      readonly nad: number;
      readonly type: SBlockType;
      readonly response: boolean;
      readonly inf: Uint8Array;
    };

/** Why a received block is unusable; `edc` maps to R-block error 0001, the rest to 0010 (§11.6.3). */
export type T1Fault = 'edc' | 'format';

const R_ERRORS = { none: 0x00, edc: PCB.R_EDC_ERROR, other: PCB.R_OTHER_ERROR } as const;
const S_NAMES = Object.fromEntries(Object.entries(S_BLOCK).map(([k, v]) => [v, k])) as Record<number, SBlockType>;

function pcbOf(b: T1Block): number {
  switch (b.kind) {
    case 'I':
      return PCB.I_BLOCK | (b.ns ? PCB.I_NS : 0) | (b.more ? PCB.I_MORE : 0);
    case 'R':
      return PCB.R_BLOCK | (b.nr ? PCB.R_NR : 0) | R_ERRORS[b.error];
    case 'S':
      return PCB.S_BLOCK | (b.response ? PCB.S_RESPONSE : 0) | S_BLOCK[b.type];
  }
}

/** Encodes a block with its EDC (§11.3.1). */
export function encodeBlock(block: T1Block, edc: Edc): Uint8Array {
  const inf = block.kind === 'R' ? new Uint8Array(0) : block.inf;
  if (inf.length > T1_MAX_INF) {
    throw new AppError('ccid', 'T1_PROTOCOL', `INF of ${inf.length} bytes exceeds ${T1_MAX_INF}`, {
      length: inf.length,
    });
  }
  const out = new Uint8Array(3 + inf.length + EDC_LENGTH[edc]);
  out.set([block.nad, pcbOf(block), inf.length]);
  out.set(inf, 3);
  out.set(computeEdc(edc, out, 3 + inf.length), 3 + inf.length);
  return out;
}

/** Expected INF length of each S-block type (§11.3.2.2: IFS and WTX carry one byte). */
const S_INF_LENGTH: Record<SBlockType, number> = { RESYNCH: 0, IFS: 1, ABORT: 0, WTX: 1 };

function decodePcb(nad: number, pcb: number, inf: Uint8Array): T1Block | undefined {
  if ((pcb & 0x80) === 0) {
    if (pcb & 0x1f) return undefined; // RFU bits set
    return { kind: 'I', nad, ns: pcb & PCB.I_NS ? 1 : 0, more: (pcb & PCB.I_MORE) !== 0, inf };
  }
  if ((pcb & 0xc0) === PCB.R_BLOCK) {
    const code = pcb & 0x0f;
    if (pcb & 0x20 || inf.length !== 0 || code > 2) return undefined;
    return { kind: 'R', nad, nr: pcb & PCB.R_NR ? 1 : 0, error: code === 0 ? 'none' : code === 1 ? 'edc' : 'other' };
  }
  const type = S_NAMES[pcb & 0x1f];
  if (type === undefined || inf.length !== S_INF_LENGTH[type]) return undefined;
  // IFS values 00 and FF are RFU (§11.4.2); WTX 00 is meaningless.
  if ((type === 'IFS' && (inf[0] === 0 || inf[0] === 0xff)) || (type === 'WTX' && inf[0] === 0)) return undefined;
  return { kind: 'S', nad, type, response: (pcb & PCB.S_RESPONSE) !== 0, inf };
}

/**
 * Decodes a received block. Returns the block, or the fault that makes it invalid (§11.6.3.1): a bad
 * EDC, or a format error (LEN FF or not matching the length, INF above `maxInf`, unknown PCB coding).
 */
export function decodeBlock(bytes: Uint8Array, edc: Edc, maxInf = T1_MAX_INF): T1Block | T1Fault {
  const n = EDC_LENGTH[edc];
  if (bytes.length < 3 + n) return 'format';
  if (!checkEdc(edc, bytes)) return 'edc';
  const len = bytes[2]!;
  if (len === 0xff || bytes.length !== 3 + len + n || len > maxInf) return 'format';
  return decodePcb(bytes[0]!, bytes[1]!, bytes.slice(3, 3 + len)) ?? 'format';
}

/** Shorthands for building blocks. */
export const block = {
  i: (ns: 0 | 1, more: boolean, inf: Uint8Array, nad = 0): T1Block => ({ kind: 'I', nad, ns, more, inf }),
  r: (nr: 0 | 1, error: 'none' | 'edc' | 'other' = 'none', nad = 0): T1Block => ({ kind: 'R', nad, nr, error }),
  s: (type: SBlockType, response: boolean, inf: Uint8Array = new Uint8Array(0), nad = 0): T1Block => ({
    kind: 'S',
    nad,
    type,
    response,
    inf,
  }),
};
