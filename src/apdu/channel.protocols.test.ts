/**
 * ApduChannel over the real protocol engines: a CardTransport whose transmit() runs the T=0 mapping
 * (ccid/t0.ts) or the T=1 block protocol (ccid/t1-*.ts) against their card sides, which wrap the tiny card
 * of fake-card-transport.ts. This checks that 61xx/6Cxx are handled exactly once across the layers.
 */
import { describe, expect, it } from 'vitest';
import { createT0Card, createT0Host } from '../ccid/t0';
import { createT1Card } from '../ccid/t1-card';
import { createT1Host } from '../ccid/t1-host';
import type { CardTransport } from '../transport/card-transport';
import { ApduChannel } from './channel';
import { createTinyCard, type TinyCard } from './fake-card-transport';

const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
const data4k = Uint8Array.from({ length: 4096 }, (_, i) => (i * 13) & 0xff);

function transport(protocol: 0 | 1): { t: CardTransport; card: TinyCard; apdus: Uint8Array[] } {
  const card = createTinyCard();
  const apdus: Uint8Array[] = [];
  const app = async (apdu: Uint8Array) => (apdus.push(apdu), card.handle(apdu));
  let transmit: (apdu: Uint8Array) => Promise<Uint8Array>;
  if (protocol === 0) {
    const t0card = createT0Card(app);
    const host = createT0Host((tpdu) => t0card.receiveTpdu(tpdu));
    transmit = (apdu) => host.transceive(apdu);
  } else {
    const t1card = createT1Card({ ifsc: 254, ifsd: 32, edc: 'lrc' }, app);
    const host = createT1Host({ ifsc: 254, ifsd: 32, edc: 'lrc' }, (b) => t1card.receiveBlock(b));
    transmit = (apdu) => host.transceive(apdu);
  }
  const t: CardTransport = {
    kind: 'simulator',
    readerName: `engine T=${protocol}`,
    atr: Uint8Array.of(0x3b, 0x00),
    capabilities: {
      extendedApdu: protocol === 1,
      maxCommandLength: protocol === 1 ? 65544 : 261,
      maxResponseLength: 65538,
    },
    transmit,
    close: async () => {},
  };
  return { t, card, apdus };
}

describe.each([0, 1] as const)('ApduChannel over T=%i', (protocol) => {
  it('stores a 4 KB command (chained on T=0, extended on T=1)', async () => {
    const { t, card, apdus } = transport(protocol);
    expect((await new ApduChannel(t).transmit({ cla: 0, ins: 0xd1, p1: 0, p2: 0, data: data4k })).sw).toBe(0x9000);
    expect(card.stored).toEqual(data4k);
    expect(apdus.length).toBe(protocol === 0 ? 17 : 1);
  });

  it('reads 600 bytes through 61xx', async () => {
    const { t } = transport(protocol);
    expect(await new ApduChannel(t).transmitOk({ cla: 0, ins: 0xca, p1: 0x02, p2: 0x58, le: 0 })).toEqual(pattern(600));
  });

  it('answers a wrong Le with 6Cxx once and then succeeds', async () => {
    const { t, apdus } = transport(protocol);
    expect(await new ApduChannel(t).transmitOk({ cla: 0, ins: 0xb0, p1: 0, p2: 0x30, le: 0 })).toEqual(pattern(0x30));
    expect(apdus.length).toBe(2);
  });

  it('reads data after a case 4 command (T=0: kept by the card, served by GET RESPONSE)', async () => {
    const { t } = transport(protocol);
    const r = await new ApduChannel(t).transmit({
      cla: 0,
      ins: 0xca,
      p1: 0x01,
      p2: 0x00,
      data: Uint8Array.of(1, 2, 3),
      le: 0,
    });
    expect(r).toEqual({ data: pattern(256), sw: 0x9000 });
  });
});
