/**
 * The WebUSB CCID driver end to end against virtual readers built from real corpus descriptors, one per
 * exchange level: driver → virtual USBDevice (byte-exact CCID) → virtual test card. One shared APDU
 * suite runs on every level: a 4 KB command, a response over 256 bytes, 61xx and 6Cxx.
 */
import { describe, expect, it } from 'vitest';
import { corpusEntry } from './simulator/fake-corpus.js';
import { ATR_T0, ATR_T0_T1, ATR_T1, createTestCard } from './simulator/fake-test-card.js';
import { createSimulatorTransport, type SimulatorTransport } from './simulator/simulator-transport.js';
import type { CardTransport } from './card-transport.js';

const SW_OK = '9000';
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const sw = (r: Uint8Array): string => hex(r.subarray(-2));

/**
 * Sends an APDU the way a client must over a bare transport: 6Cxx → resend with Le = SW2, 61xx → GET
 * RESPONSE until 9000 (ISO 7816-4 §5.3.3, §5.3.4). Returns each raw response too, for assertions.
 */
async function send(t: CardTransport, apdu: Uint8Array): Promise<{ data: Uint8Array; sw: string; raw: Uint8Array[] }> {
  const raw: Uint8Array[] = [];
  let r = await t.transmit(apdu);
  raw.push(r);
  if (r[r.length - 2] === 0x6c) {
    r = await t.transmit(Uint8Array.of(...apdu.subarray(0, 4), r[r.length - 1]!));
    raw.push(r);
  }
  const parts = [r.subarray(0, -2)];
  while (r[r.length - 2] === 0x61) {
    r = await t.transmit(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, r[r.length - 1]!));
    raw.push(r);
    parts.push(r.subarray(0, -2));
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((o, p) => (data.set(p, o), o + p.length), 0);
  return { data, sw: sw(r), raw };
}

/**
 * PUT of `data`: one extended APDU when the path carries it, else command chaining (CLA b5, ISO 7816-4
 * §5.1.1.1). The answer may come behind 61xx (a T=0 card cannot return data to a case 3 command).
 */
async function put(t: CardTransport, data: Uint8Array): Promise<{ data: Uint8Array; sw: string }> {
  if (t.capabilities.extendedApdu) {
    return send(t, Uint8Array.of(0x00, 0x10, 0x00, 0x00, 0x00, data.length >> 8, data.length & 0xff, ...data));
  }
  for (let o = 0; ; o += 255) {
    const chunk = data.subarray(o, o + 255);
    if (o + 255 >= data.length) return send(t, Uint8Array.of(0x00, 0x10, 0x00, 0x00, chunk.length, ...chunk));
    expect(sw(await t.transmit(Uint8Array.of(0x10, 0x10, 0x00, 0x00, chunk.length, ...chunk)))).toBe(SW_OK);
  }
}

/** The shared APDU suite. */
async function apduSuite(t: SimulatorTransport): Promise<void> {
  expect(sw(await t.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08)))).toBe(SW_OK);

  // 4 KB command: the card answers with the length (0x1000) and the XOR of all bytes.
  const big = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff);
  const xor = big.reduce((x, b) => x ^ b, 0);
  const putAnswer = await put(t, big);
  expect([hex(putAnswer.data), putAnswer.sw]).toEqual([`1000${xor.toString(16).padStart(2, '0')}`, SW_OK]);

  // A 1000-byte response: extended Le where the path allows it, else 256-byte pieces behind 61xx.
  const expected = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
  if (t.capabilities.extendedApdu) {
    const r = await t.transmit(Uint8Array.of(0x00, 0x20, 0x03, 0xe8, 0x00, 0x03, 0xe8));
    expect(sw(r)).toBe(SW_OK);
    expect(r.subarray(0, -2)).toEqual(expected);
  }
  const viaShort = await send(t, Uint8Array.of(0x00, 0x20, 0x03, 0xe8, 0x00));
  expect(viaShort.sw).toBe(SW_OK);
  expect(viaShort.data).toEqual(expected);

  // 61xx: 300 bytes asked with Le 00 → 256 bytes and 61 2C, then GET RESPONSE for the 44 left.
  const r61 = await send(t, Uint8Array.of(0x00, 0x20, 0x01, 0x2c, 0x00));
  expect(sw(r61.raw[0]!)).toBe('612c');
  expect(r61.data).toEqual(Uint8Array.from({ length: 300 }, (_, i) => i & 0xff));

  // 6Cxx: wrong Le → 6C 14, resent with Le 14 → 20 bytes.
  const r6c = await send(t, Uint8Array.of(0x00, 0x30, 0x00, 0x00, 0x00));
  expect(sw(r6c.raw[0]!)).toBe('6c14');
  expect(r6c.sw).toBe(SW_OK);
  expect(r6c.data).toEqual(Uint8Array.from({ length: 20 }, (_, i) => 0xa0 + i));
}

describe.each([
  { name: 'TPDU T=0, reader does PPS (ACS ACR39U)', file: 'ACS_ACR39U_ICC_Reader.txt', atr: ATR_T0, protocol: 0, pps: 0, ifs: 0, power: 1 },
  { name: 'TPDU T=0, host does PPS (ACS ACR38U)', file: 'ACR38U-CCID.txt', atr: ATR_T0, protocol: 0, pps: 1, ifs: 0, power: 1 },
  { name: 'TPDU T=1, host does PPS and IFSD (Dell keyboard)', file: 'DellSCRK.txt', atr: ATR_T1, protocol: 1, pps: 1, ifs: 1, power: 1 },
  { name: 'TPDU T=1 chosen over T=0, reader does PPS (SCR3310)', file: 'SCR3310.txt', atr: ATR_T0_T1, protocol: 1, pps: 0, ifs: 1, power: 0 },
  { name: 'TPDU T=0, vendor class (SPR532)', file: 'SPR532.txt', atr: ATR_T0, protocol: 0, pps: 0, ifs: 0, power: 0 },
  { name: 'short APDU (ACS ACR3901U)', file: 'ACS_ACR3901U_ICC_Reader.txt', atr: ATR_T0_T1, protocol: null, pps: 0, ifs: 0, power: 0 },
  { name: 'extended APDU, 1034-byte messages (Identiv uTrust 3700 F)', file: 'Identiv_uTrust_3700_F_CL_Reader.txt', atr: ATR_T0_T1, protocol: null, pps: 0, ifs: 0, power: 0 },
  { name: 'extended APDU, 271-byte messages (OMNIKEY 3x21)', file: 'HID_Global_OMNIKEY_3x21_Smart_Card_Reader.txt', atr: ATR_T1, protocol: null, pps: 0, ifs: 0, power: 0 },
  { name: 'extended APDU, vendor class (DE-ABCM6)', file: 'DUALi_DE-ABCM6.txt', atr: ATR_T1, protocol: null, pps: 0, ifs: 0, power: null },
])('$name', ({ file, atr, protocol, pps, ifs, power }) => {
  it('runs the shared APDU suite', async () => {
    const entry = corpusEntry(file);
    const t = await createSimulatorTransport({ entry, card: createTestCard(atr), unrestricted: entry.interface.bInterfaceClass !== 0x0b ? false : true });
    expect(t.kind).toBe('simulator');
    expect(t.atr).toEqual(atr);
    expect(t.protocol).toBe(protocol);
    expect(t.reader.descriptor.exchangeLevel).toBe(protocol === null ? (t.capabilities.extendedApdu ? 'extended-apdu' : 'short-apdu') : 'tpdu');
    const stats = t.virtualReader.stats;
    expect([stats.ppsRequests, stats.ifsRequests]).toEqual([pps, ifs]);
    if (power !== null) expect(stats.powerSelects).toEqual([power]);
    await apduSuite(t);
    await t.close();
    expect(t.virtualReader.opened).toBe(false);
  });
});
