import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes';
import { isAppError } from '../app-error';
import { ApduChannel } from './channel';
import { createFakeCardTransport } from './fake-card-transport';

const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
const data4k = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) & 0xff);

describe('ApduChannel over a CardTransport', () => {
  it('sends a 4 KB command as one extended APDU when the transport carries them', async () => {
    const t = createFakeCardTransport({ extendedApdu: true });
    const r = await new ApduChannel(t).transmit({ cla: 0x00, ins: 0xd1, p1: 0, p2: 0, data: data4k });
    expect(r.sw).toBe(0x9000);
    expect(t.received.length).toBe(1);
    // 00 D1 00 00 | 00 10 00 (extended Lc = 4096) | data
    expect(toHex(t.received[0]!.slice(0, 7))).toBe('00D1000000' + '1000');
    expect(t.received[0]!.length).toBe(7 + 4096);
    expect(t.stored).toEqual(data4k);
  });

  it('chains a 4 KB command in 255-byte pieces (CLA | 10) otherwise', async () => {
    const t = createFakeCardTransport({ extendedApdu: false });
    const r = await new ApduChannel(t).transmit({ cla: 0x00, ins: 0xd1, p1: 0, p2: 0, data: data4k });
    expect(r.sw).toBe(0x9000);
    // 4096 = 16 × 255 + 16: 16 chained pieces with CLA 10, then the last with CLA 00
    expect(t.received.length).toBe(17);
    expect(t.received.slice(0, 16).every((a) => a[0] === 0x10 && a[4] === 0xff && a.length === 260)).toBe(true);
    expect(toHex(t.received[16]!.slice(0, 5))).toBe('00D1000010'); // CLA 00, Lc 10
    expect(t.stored).toEqual(data4k);
  });

  it('stops a chain at the first piece that does not answer 9000', async () => {
    const bad = createFakeCardTransport();
    bad.transmit = async (c) => (bad.received.push(c), Uint8Array.of(0x68, 0x84)); // chaining not supported
    expect((await new ApduChannel(bad).transmit({ cla: 0, ins: 0xd1, p1: 0, p2: 0, data: data4k })).sw).toBe(0x6884);
    expect(bad.received.length).toBe(1);
  });

  it('collects a >256-byte response through 61xx and GET RESPONSE', async () => {
    const t = createFakeCardTransport();
    const r = await new ApduChannel(t).transmit({ cla: 0x00, ins: 0xca, p1: 0x02, p2: 0x58, le: 0 }); // 600 bytes
    expect(r.sw).toBe(0x9000);
    expect(r.data).toEqual(pattern(600));
    // 00 CA 02 58 00 → 256 + 61 00; 00 C0 00 00 00 → 256 + 61 58; 00 C0 00 00 58 → 88 + 9000
    expect(t.received.map((b) => toHex(b))).toEqual(['00CA025800', '00C0000000', '00C0000058']);
  });

  it('asks for Ne > 256 as extended when possible, as Le 00 + 61xx when not', async () => {
    const ext = createFakeCardTransport({ extendedApdu: true });
    const r1 = await new ApduChannel(ext).transmit({ cla: 0, ins: 0xca, p1: 0x03, p2: 0x00, le: 1000 });
    expect(r1.data).toEqual(pattern(768));
    expect(ext.received.map((b) => toHex(b))).toEqual(['00CA030000' + '03E8']); // case 2E: 00 + Le 03E8
    const short = createFakeCardTransport();
    const r2 = await new ApduChannel(short).transmit({ cla: 0, ins: 0xca, p1: 0x03, p2: 0x00, le: 1000 });
    expect(r2.data).toEqual(pattern(768));
    expect(short.received.length).toBe(3);
  });

  it('re-issues once with Le = xx after 6Cxx', async () => {
    const t = createFakeCardTransport();
    const r = await new ApduChannel(t).transmit({ cla: 0, ins: 0xb0, p1: 0, p2: 0x20, le: 0 });
    expect(r).toEqual({ data: pattern(0x20), sw: 0x9000 });
    expect(t.received.map((b) => toHex(b))).toEqual(['00B0002000', '00B0002020']);
    const stubborn = createFakeCardTransport();
    expect((await new ApduChannel(stubborn).transmit({ cla: 0, ins: 0xef, p1: 0, p2: 0, le: 0 })).sw).toBe(0x6c10);
    expect(stubborn.received.length).toBe(2); // exactly one retry
  });

  it('bounds the GET RESPONSE loop', async () => {
    const t = createFakeCardTransport();
    const err = await new ApduChannel(t, { maxResponseSteps: 10 })
      .transmit({ cla: 0, ins: 0xee, p1: 0, p2: 0, le: 0 })
      .catch((e: unknown) => e);
    expect(isAppError(err, 'apdu', 'RESPONSE_CHAIN_TOO_LONG')).toBe(true);
    expect(t.received.length).toBe(11);
  });

  it('transmitOk returns data on 9000 and throws the mapped error otherwise', async () => {
    const t = createFakeCardTransport();
    const ch = new ApduChannel(t);
    expect(await ch.transmitOk({ cla: 0, ins: 0xca, p1: 0, p2: 3, le: 0 })).toEqual(pattern(3));
    const pin = new TextEncoder().encode('654321');
    await expect(ch.transmitOk({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: pin })).rejects.toMatchObject({
      layer: 'apdu',
      code: 'VERIFY_FAILED',
      fields: { sw: 0x63c2, retriesLeft: 2 },
    });
    await expect(ch.transmitOk({ cla: 0, ins: 0x44, p1: 0, p2: 0 })).rejects.toMatchObject({
      code: 'INS_NOT_SUPPORTED',
    });
  });

  it('traces nothing by default, and redacts PINs and management-key material when tracing', async () => {
    const t = createFakeCardTransport();
    const lines: string[] = [];
    const ch = new ApduChannel(t, { trace: (l) => lines.push(l) });
    const pin = new TextEncoder().encode('123456');
    await ch.transmit({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: pin });
    await ch.transmit({ cla: 0, ins: 0x87, p1: 0x03, p2: 0x9b, data: Uint8Array.of(0x7c, 0x02, 0x80, 0x00) });
    await ch.transmit({ cla: 0, ins: 0xca, p1: 0, p2: 2, le: 0 });
    expect(lines).toEqual([
      '=> 00200080 [6 data bytes redacted]',
      '<= 9000',
      '=> 0087039B [4 data bytes redacted]',
      '<= 6D00',
      '=> 00CA000200',
      '<= 00019000',
    ]);
    expect(lines.join('\n')).not.toContain(toHex(pin));
  });
});
