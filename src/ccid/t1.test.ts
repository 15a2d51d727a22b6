/**
 * T=1 host against the T=1 card (ISO/IEC 7816-3:2006 §11): both real state machines, wired through the
 * block exchange a CCID reader would perform. Only the application behind the card is a test double.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../app-error';
import type { Edc } from './edc';
import { decodeBlock } from './t1-block';
import { createT1Card, type T1Card } from './t1-card';
import { createT1Host, type ExchangeBlock } from './t1-host';

/** What the application answers: `n` bytes of i & 0xFF, then 90 00. */
function expected(n: number): Uint8Array {
  return Uint8Array.from({ length: n + 2 }, (_, i) => (i < n ? i & 0xff : i === n ? 0x90 : 0x00));
}

/** The application: answers expected(P1P2) and records each APDU. */
function makeApp(seen: Uint8Array[] = []) {
  return async (apdu: Uint8Array) => {
    seen.push(apdu);
    return expected(apdu.length >= 4 ? (apdu[2]! << 8) | apdu[3]! : 0);
  };
}

interface Rig {
  card: T1Card;
  log: { pcb: number; bwtMultiplier: number; fromCard: number }[];
  exchange: ExchangeBlock;
}

function rig(opts: { ifsc?: number; ifsd?: number; edc?: Edc } = {}, seen: Uint8Array[] = []): Rig {
  const edc = opts.edc ?? 'lrc';
  const card = createT1Card({ ifsc: opts.ifsc ?? 32, ifsd: opts.ifsd ?? 32, edc }, makeApp(seen));
  const log: Rig['log'] = [];
  const exchange: ExchangeBlock = async (b, o) => {
    const reply = await card.receiveBlock(b);
    log.push({ pcb: b[1]!, bwtMultiplier: o.bwtMultiplier, fromCard: reply[1]! });
    return reply;
  };
  return { card, log, exchange };
}

const apdu = (n: number, data = 0) =>
  Uint8Array.from([0x80, 0x10, n >> 8, n & 0xff, ...(data ? [data & 0xff, ...new Uint8Array(data)] : [])]);

describe('T=1 host ↔ card', () => {
  it('exchanges a short APDU in one I-block each way', async () => {
    const r = rig();
    const host = createT1Host({ ifsc: 32, ifsd: 32, edc: 'lrc' }, r.exchange);
    expect(await host.transceive(apdu(3))).toEqual(expected(3));
    expect(r.log.map((l) => [l.pcb, l.fromCard])).toEqual([[0x00, 0x00]]); // I(0) → I(0)
    await host.transceive(apdu(0));
    expect(r.log[1]).toMatchObject({ pcb: 0x40, fromCard: 0x40 }); // I(1) → I(1)
  });

  it('chains a 4 KB command at IFSC and a 1000-byte response at IFSD', async () => {
    const seen: Uint8Array[] = [];
    const r = rig({ ifsc: 32, ifsd: 32 }, seen);
    const host = createT1Host({ ifsc: 32, ifsd: 32, edc: 'lrc' }, r.exchange);
    const big = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
    big.set([0x80, 0x10, 0x03, 0xe8]); // P1P2 = 1000 bytes back
    const res = await host.transceive(big);
    expect(seen).toEqual([big]);
    expect(res).toEqual(expected(1000));
    // 4096 / 32 = 128 I-blocks out (127 with M), then 1002 / 32 → 32 I-blocks back, 31 acknowledged
    const iOut = r.log.filter((l) => (l.pcb & 0x80) === 0);
    expect(iOut.length).toBe(128);
    expect(iOut.filter((l) => l.pcb & 0x20).length).toBe(127);
    expect(r.log.filter((l) => (l.pcb & 0xc0) === 0x80).length).toBe(31);
  });

  it('negotiates IFSD, and the card then sends larger blocks', async () => {
    const crcRig = rig({ edc: 'crc' });
    const h2 = createT1Host({ ifsc: 32, ifsd: 32, edc: 'crc' }, crcRig.exchange);
    await h2.negotiateIfsd(254);
    expect(crcRig.log[0]).toMatchObject({ pcb: 0xc1, fromCard: 0xe1 }); // S(IFS req) → S(IFS resp)
    expect(await h2.transceive(apdu(500))).toEqual(expected(500));
    expect(crcRig.log.length).toBe(1 + 2); // S(IFS), then I(0) and one R ack: 502 = 254 + 248
    await expect(h2.negotiateIfsd(255)).rejects.toMatchObject({ code: 'T1_PROTOCOL' });
  });

  it('answers S(WTX) and passes the multiplier to the next exchange only', async () => {
    const r = rig();
    const host = createT1Host({ ifsc: 32, ifsd: 32, edc: 'lrc' }, r.exchange);
    r.card.wtxBeforeNextResponse(5, 2);
    expect(await host.transceive(apdu(4))).toEqual(expected(4));
    // I(0) → S(WTX req); S(WTX resp) at ×5 → S(WTX req); S(WTX resp) at ×5 → I(0)
    expect(r.log.map((l) => [l.pcb, l.bwtMultiplier, l.fromCard])).toEqual([
      [0x00, 1, 0xc3],
      [0xe3, 5, 0xc3],
      [0xe3, 5, 0x00],
    ]);
    await host.transceive(apdu(0));
    expect(r.log[3]!.bwtMultiplier).toBe(1);
  });

  it('obeys S(IFS request) from the card for later chains', async () => {
    const r = rig({ ifsc: 64 });
    const host = createT1Host({ ifsc: 64, ifsd: 32, edc: 'lrc' }, r.exchange);
    r.card.ifsRequestBeforeNextResponse(16);
    await host.transceive(apdu(0));
    r.log.length = 0;
    expect(await host.transceive(apdu(2, 60))).toEqual(expected(2)); // 65 bytes → 16+16+16+16+1
    expect(r.log.filter((l) => (l.pcb & 0x80) === 0).length).toBe(5);
  });

  it('recovers from corrupted blocks in both directions (R-block with error, retransmission)', async () => {
    const r = rig();
    let corruptHost = 2;
    const host = createT1Host({ ifsc: 32, ifsd: 32, edc: 'lrc' }, async (b, o) => {
      const out = b.slice();
      if (corruptHost-- > 0) out[1]! ^= 0x04;
      return r.exchange(out, o);
    });
    r.card.corruptNextBlocks(2);
    expect(await host.transceive(apdu(100, 70))).toEqual(expected(100));
    expect(r.card.received.filter((b) => typeof b === 'string').length).toBe(2);
    expect(r.log.some((l) => l.pcb === 0x81)).toBe(true); // R(0) with EDC error sent by the host
  });

  it('fails with T1_PROTOCOL after the retry bound, having tried RESYNCH, and can resume', async () => {
    const r = rig();
    const host = createT1Host({ ifsc: 32, ifsd: 32, edc: 'lrc', maxRetries: 2 }, r.exchange);
    r.card.corruptNextBlocks(6); // 1 + 2 retries fail, then 3 RESYNCH answers fail
    const err = await host.transceive(apdu(1)).catch((e: unknown) => e);
    expect(isAppError(err, 'ccid', 'T1_PROTOCOL')).toBe(true);
    expect(r.log.filter((l) => l.pcb === 0xc0).length).toBe(3); // three S(RESYNCH request)
    await host.resynchronise();
    expect(await host.transceive(apdu(1))).toEqual(expected(1));
  });

  it('handles S(ABORT) from the card, then carries on in sequence', async () => {
    const r = rig();
    const host = createT1Host({ ifsc: 32, ifsd: 32, edc: 'lrc' }, r.exchange);
    r.card.abortNextResponse();
    await expect(host.transceive(apdu(1))).rejects.toMatchObject({ code: 'T1_ABORTED' });
    expect(await host.transceive(apdu(2))).toEqual(expected(2));
  });

  it('aborts its own chain with S(ABORT) when the signal fires mid-chain', async () => {
    const r = rig();
    const ctl = new AbortController();
    const host = createT1Host({ ifsc: 32, ifsd: 32, edc: 'lrc' }, async (b, o) => {
      const reply = await r.exchange(b, o);
      ctl.abort();
      return reply;
    });
    await expect(host.transceive(apdu(0, 100), ctl.signal)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(r.log.map((l) => l.pcb)).toEqual([0x20, 0xc2]); // I(0, M) then S(ABORT request)
    const fresh = createT1Host({ ifsc: 32, ifsd: 32, edc: 'lrc' }, r.exchange);
    await expect(fresh.transceive(apdu(0), ctl.signal)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await host.transceive(apdu(3))).toEqual(expected(3));
    expect(decodeBlock(Uint8Array.of(0, 0xe2, 0, 0xe2), 'lrc')).toMatchObject({ type: 'ABORT', response: true });
  });
});
