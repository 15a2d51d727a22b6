/**
 * The card side of TPDU level: PPS (ISO 7816-3 §9), then T=0 (§10) or T=1 (§11) through the ISO engines'
 * card halves. The reader's protocol (SetParameters) must match the card's, as with a real card: a
 * mismatch leaves the card mute.
 */
import { createT0Card, type T0Card } from '../ccid/t0';
import { createSimT1Card, type SimT1Card } from './virtual-t1';
import type { SimReaderFacts, VirtualCard } from './virtual-types';

/** S(IFS request) PCB (ISO 7816-3 §11.3.2.2, Table 11). */
const PCB_S_IFS_REQUEST = 0xc1;

export class TpduCard {
  private started = false;
  private cardProtocol: number;
  private readerProtocol: number;
  private readonly t0: T0Card;
  private t1: SimT1Card | null = null;

  constructor(
    private readonly card: VirtualCard,
    private readonly facts: SimReaderFacts,
  ) {
    // Without PPS the card uses the first protocol its ATR offers (ISO 7816-3 §9.1).
    this.cardProtocol = card.protocols[0]!;
    this.readerProtocol = this.cardProtocol;
    this.t0 = createT0Card((apdu) => card.handleApdu(apdu));
  }

  /** SetParameters reached the reader; an auto-PPS reader also negotiates that protocol with the card. */
  readerProtocolSet(protocol: number): void {
    this.readerProtocol = protocol;
    if (this.facts.autoPps && !this.started && this.card.protocols.includes(protocol)) this.cardProtocol = protocol;
  }

  /** One XfrBlock payload; null when the card stays mute. */
  async receive(data: Uint8Array): Promise<Uint8Array | null> {
    if (!this.started && data[0] === 0xff) return this.pps(data);
    this.started = true;
    if (this.readerProtocol !== this.cardProtocol) return null;
    if (this.cardProtocol === 0) return this.t0.receiveTpdu(data);
    if (data[1] === PCB_S_IFS_REQUEST) this.facts.stats.ifsRequests += 1;
    this.t1 ??= createSimT1Card(this.card);
    return this.t1.receiveBlock(data);
  }

  /** PPS exchange (ISO 7816-3 §9.2, §9.3): a card that accepts echoes the request; PCK makes the XOR 00. */
  private pps(request: Uint8Array): Uint8Array | null {
    this.facts.stats.ppsRequests += 1;
    const xor = request.reduce((x, b) => x ^ b, 0);
    const protocol = (request[1] ?? 0) & 0x0f;
    if (request.length < 3 || request.length > 6 || xor !== 0 || !this.card.protocols.includes(protocol)) return null;
    this.cardProtocol = protocol;
    this.started = true;
    return request.slice();
  }
}
