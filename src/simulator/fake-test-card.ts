/**
 * A small test card for the driver tests (not the PIV card): it accepts long and chained commands,
 * answers long responses with 61xx and GET RESPONSE, and insists on an exact Le with 6Cxx
 * (ISO 7816-4 §5.1, §5.3.4, §5.3.3).
 *
 *   INS 0x10 PUT    data (chained with CLA b5 = 0x10) → LEN_HI LEN_LO XOR 90 00: length and XOR of all data
 *   INS 0x20 GET    P1P2 = N → N bytes (byte i = i & 0xFF); more than Ne → Ne bytes + 61xx, rest via C0
 *   INS 0x30 EXACT  → 20 bytes, but only when Ne is 20; otherwise 6C 14
 *   INS 0x40 SLOW   → waits for `release()` then 90 00
 *   INS 0xC0 GET RESPONSE → the rest kept by GET
 */
import type { VirtualCardSpec } from './virtual-types';

/** Builds an ATR from its parts and appends TCK when any protocol other than T=0 is announced (ISO 7816-3 §8.2). */
export function buildAtr(
  groups: readonly { ta?: number; tb?: number; tc?: number; td?: number }[],
  historical: readonly number[],
): Uint8Array {
  const out = [0x3b];
  const y = (g: { ta?: number; tb?: number; tc?: number; td?: number }): number =>
    (g.ta !== undefined ? 0x10 : 0) |
    (g.tb !== undefined ? 0x20 : 0) |
    (g.tc !== undefined ? 0x40 : 0) |
    (g.td !== undefined ? 0x80 : 0);
  out.push(y(groups[0] ?? {}) | historical.length);
  groups.forEach((g) => {
    for (const v of [g.ta, g.tb, g.tc]) if (v !== undefined) out.push(v);
    if (g.td !== undefined)
      out.push((g.td & 0x0f) | (groups[groups.indexOf(g) + 1] ? y(groups[groups.indexOf(g) + 1]!) : 0));
  });
  out.push(...historical);
  if (groups.some((g) => g.td !== undefined && (g.td & 0x0f) !== 0)) out.push(out.slice(1).reduce((x, b) => x ^ b, 0));
  return Uint8Array.from(out);
}

const HISTORICAL = [0x4b, 0x57, 0x44]; // "KWD"
/** T=0 only, TA1 0x13 (Fi 372, Di 4). */
export const ATR_T0 = buildAtr([{ ta: 0x13 }], HISTORICAL);
/** T=1 only, TA1 0x13, IFSC 254, BWI 4 / CWI 5, LRC. */
export const ATR_T1 = buildAtr([{ ta: 0x13, td: 0x01 }, { td: 0x01 }, { ta: 0xfe, tb: 0x45 }], HISTORICAL);
/** T=0 and T=1 offered (T=0 first), IFSC 254. */
export const ATR_T0_T1 = buildAtr([{ ta: 0x13, td: 0x00 }, { td: 0x01 }, { ta: 0xfe, tb: 0x45 }], HISTORICAL);

interface Parsed {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  ne: number | undefined;
}

/** Parses a short or extended command APDU (ISO 7816-4 §5.1). */
function parse(a: Uint8Array): Parsed | null {
  if (a.length < 4) return null;
  const base = { cla: a[0]!, ins: a[1]!, p1: a[2]!, p2: a[3]! };
  if (a.length === 4) return { ...base, data: new Uint8Array(0), ne: undefined };
  if (a.length === 5) return { ...base, data: new Uint8Array(0), ne: a[4] || 256 };
  if (a[4] !== 0) {
    const lc = a[4]!;
    if (a.length === 5 + lc) return { ...base, data: a.slice(5), ne: undefined };
    if (a.length === 6 + lc) return { ...base, data: a.slice(5, 5 + lc), ne: a[5 + lc] || 256 };
    return null;
  }
  if (a.length === 7) return { ...base, data: new Uint8Array(0), ne: (a[5]! << 8) | a[6]! || 65536 };
  const lc = (a[5]! << 8) | a[6]!;
  if (a.length === 7 + lc) return { ...base, data: a.slice(7), ne: undefined };
  if (a.length === 9 + lc) return { ...base, data: a.slice(7, 7 + lc), ne: (a[7 + lc]! << 8) | a[8 + lc]! || 65536 };
  return null;
}

const sw = (data: ArrayLike<number>, sw1: number, sw2: number): Uint8Array =>
  Uint8Array.from([...Array.from(data), sw1, sw2]);

/** A test card; `release()` lets a pending SLOW command finish. */
export interface TestCard extends VirtualCardSpec {
  release(): void;
  /** Commands seen, as hex of CLA INS. */
  readonly log: string[];
}

/** Creates the test card with the given ATR. */
export function createTestCard(atr: Uint8Array = ATR_T0_T1): TestCard {
  let chained: number[] = [];
  let rest: Uint8Array | null = null;
  let release: () => void = () => undefined;
  const log: string[] = [];
  const serve = (data: Uint8Array, ne: number | undefined): Uint8Array => {
    const n = Math.min(data.length, ne ?? data.length);
    rest = data.length > n ? data.slice(n) : null;
    return rest ? sw(data.slice(0, n), 0x61, Math.min(rest.length, 256) & 0xff) : sw(data, 0x90, 0x00);
  };
  const handleApdu = async (apdu: Uint8Array): Promise<Uint8Array> => {
    const c = parse(apdu);
    if (!c) return sw([], 0x67, 0x00);
    log.push(`${c.cla.toString(16)} ${c.ins.toString(16)}`);
    switch (c.ins) {
      case 0xa4:
        return sw([], 0x90, 0x00);
      case 0x10: {
        chained.push(...c.data);
        if (c.cla & 0x10) return sw([], 0x90, 0x00);
        const all = chained;
        chained = [];
        return sw([all.length >> 8, all.length & 0xff, all.reduce((x, b) => x ^ b, 0)], 0x90, 0x00);
      }
      case 0x20:
        return serve(
          Uint8Array.from({ length: (c.p1 << 8) | c.p2 }, (_, i) => i & 0xff),
          c.ne,
        );
      case 0x30:
        return c.ne === 20
          ? sw(
              Array.from({ length: 20 }, (_, i) => 0xa0 + i),
              0x90,
              0x00,
            )
          : sw([], 0x6c, 20);
      case 0x40:
        await new Promise<void>((resolve) => (release = resolve));
        return sw([], 0x90, 0x00);
      case 0xc0:
        return rest ? serve(rest, c.ne) : sw([], 0x6f, 0x00);
      default:
        return sw([], 0x6d, 0x00);
    }
  };
  return { atr, handleApdu, release: () => release(), log };
}
