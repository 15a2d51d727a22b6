/**
 * The virtual card's T=1 half: the ISO engine's card side (src/ccid/t1-card.ts), configured from the
 * card's own ATR, read here independently of the driver's ATR parser.
 */
import { createT1Card, type T1Card } from '../ccid/t1-card';
import type { VirtualCard } from './virtual-types';

export type SimT1Card = T1Card;

/**
 * IFSC and EDC the card announced: the first TA / TC in a group introduced by a TD naming T=1, from the
 * third group on (ISO 7816-3 §11.4: TA i ≥ 3 is IFSC, default 32; TC bit 1 selects CRC, default LRC).
 */
export function atrT1Parameters(atr: Uint8Array): { ifsc: number; edc: 'lrc' | 'crc' } {
  let ifsc: number | undefined;
  let crc: boolean | undefined;
  let y = atr[1] ?? 0;
  let o = 2;
  for (let group = 1, t = -1; ; group++) {
    const ta = y & 0x10 ? atr[o++] : undefined;
    if (y & 0x20) o++;
    const tc = y & 0x40 ? atr[o++] : undefined;
    if (group >= 3 && t === 1) {
      ifsc ??= ta;
      if (tc !== undefined) crc ??= (tc & 1) === 1;
    }
    if (!(y & 0x80) || o >= atr.length) break;
    y = atr[o++]!;
    t = y & 0x0f;
  }
  return { ifsc: ifsc ?? 32, edc: crc ? 'crc' : 'lrc' };
}

/** A T=1 card for `card`, starting with IFSD 32 as every card does until S(IFS request) (§11.4.2). */
export function createSimT1Card(card: VirtualCard): SimT1Card {
  const { ifsc, edc } = atrT1Parameters(card.atr);
  return createT1Card({ ifsc, ifsd: 32, edc }, (apdu) => card.handleApdu(apdu));
}
