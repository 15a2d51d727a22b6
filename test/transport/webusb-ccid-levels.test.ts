/**
 * The WebUSB CCID driver end to end against virtual readers built from real corpus descriptors, one per
 * exchange level: ApduChannel → driver → virtual USBDevice (byte-exact CCID) → virtual test card.
 * One shared APDU suite runs on every level: a 4 KB command, a response over 256 bytes, 61xx and 6Cxx.
 * (Under test/ because src/transport may not import src/apdu.)
 */
import { describe, expect, it } from 'vitest';
import { ApduChannel } from '../../src/apdu/channel';
import { corpusEntry } from '../../src/simulator/fake-corpus';
import { ATR_T0, ATR_T0_T1, ATR_T1, createTestCard } from '../../src/simulator/fake-test-card';
import { createSimulatorTransport, type SimulatorTransport } from '../../src/simulator/simulator-transport';

const SELECT = { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08) };

/** The shared APDU suite; `trace` shows what crossed the transport. */
async function apduSuite(t: SimulatorTransport): Promise<void> {
  const trace: string[] = [];
  const channel = new ApduChannel(t, { trace: (line) => trace.push(line) });
  const sent = () => trace.filter((l) => l.startsWith('=>'));
  const received = () => trace.filter((l) => l.startsWith('<='));
  await channel.transmitOk(SELECT);

  // 4 KB command: one extended APDU where the path carries it, else 17 chained pieces (CLA 10).
  trace.length = 0;
  const big = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff);
  const put = await channel.transmitOk({ cla: 0x00, ins: 0x10, p1: 0x00, p2: 0x00, data: big, le: 256 });
  expect(Array.from(put)).toEqual([0x10, 0x00, big.reduce((x, b) => x ^ b, 0)]);
  const puts = sent().filter((l) => / ?=> [01]010/.test(l));
  expect(puts).toHaveLength(t.capabilities.extendedApdu ? 1 : 17);

  // A 1000-byte response: extended Le in one piece where possible, else 256-byte pieces behind 61xx.
  trace.length = 0;
  const thousand = await channel.transmitOk({ cla: 0x00, ins: 0x20, p1: 0x03, p2: 0xe8, le: 1000 });
  expect(thousand).toEqual(Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff));
  expect(sent()).toHaveLength(t.capabilities.extendedApdu ? 1 : 4);

  // 61xx: 300 bytes asked with Le 00 → 256 bytes and 61 2C, then GET RESPONSE for the other 44.
  trace.length = 0;
  const three = await channel.transmitOk({ cla: 0x00, ins: 0x20, p1: 0x01, p2: 0x2c, le: 256 });
  expect(three).toEqual(Uint8Array.from({ length: 300 }, (_, i) => i & 0xff));
  expect(received()[0]).toMatch(/612C$/);
  expect(sent()[1]).toBe('=> 00C000002C');

  // 6Cxx: wrong Le → 6C 14, sent again with Le 14 → 20 bytes.
  trace.length = 0;
  const exact = await channel.transmitOk({ cla: 0x00, ins: 0x30, p1: 0x00, p2: 0x00, le: 256 });
  expect(exact).toEqual(Uint8Array.from({ length: 20 }, (_, i) => 0xa0 + i));
  expect(received()[0]).toBe('<= 6C14');
  expect(sent()[1]).toBe('=> 0030000014');
}

describe.each([
  {
    name: 'TPDU T=0, reader does PPS (ACS ACR39U)',
    file: 'ACS_ACR39U_ICC_Reader.txt',
    atr: ATR_T0,
    protocol: 0,
    pps: 0,
    ifs: 0,
    power: 1,
  },
  {
    name: 'TPDU T=0, host does PPS (ACS ACR38U)',
    file: 'ACR38U-CCID.txt',
    atr: ATR_T0,
    protocol: 0,
    pps: 1,
    ifs: 0,
    power: 1,
  },
  {
    name: 'TPDU T=1, host does PPS and IFSD (Dell keyboard)',
    file: 'DellSCRK.txt',
    atr: ATR_T1,
    protocol: 1,
    pps: 1,
    ifs: 1,
    power: 1,
  },
  {
    name: 'TPDU T=1 chosen over T=0, reader does PPS (SCR3310)',
    file: 'SCR3310.txt',
    atr: ATR_T0_T1,
    protocol: 1,
    pps: 0,
    ifs: 1,
    power: 0,
  },
  { name: 'TPDU T=0, vendor class (SPR532)', file: 'SPR532.txt', atr: ATR_T0, protocol: 0, pps: 0, ifs: 0, power: 0 },
  {
    name: 'short APDU (ACS ACR3901U)',
    file: 'ACS_ACR3901U_ICC_Reader.txt',
    atr: ATR_T0_T1,
    protocol: null,
    pps: 0,
    ifs: 0,
    power: 0,
  },
  {
    name: 'extended APDU, 1034-byte messages (Identiv uTrust 3700 F)',
    file: 'Identiv_uTrust_3700_F_CL_Reader.txt',
    atr: ATR_T0_T1,
    protocol: null,
    pps: 0,
    ifs: 0,
    power: 0,
  },
  {
    name: 'extended APDU, 271-byte messages (OMNIKEY 3x21)',
    file: 'HID_Global_OMNIKEY_3x21_Smart_Card_Reader.txt',
    atr: ATR_T1,
    protocol: null,
    pps: 0,
    ifs: 0,
    power: 0,
  },
  {
    name: 'extended APDU, vendor class (DUALi DE-ABCM6)',
    file: 'DUALi_DE-ABCM6.txt',
    atr: ATR_T1,
    protocol: null,
    pps: 0,
    ifs: 0,
    power: 0,
  },
])('$name', ({ file, atr, protocol, pps, ifs, power }) => {
  it('runs the shared APDU suite through ApduChannel', async () => {
    const entry = corpusEntry(file);
    // Vendor-class readers are opened as an ordinary page would; the others as the installed app.
    const t = await createSimulatorTransport({
      entry,
      card: createTestCard(atr),
      unrestricted: entry.interface.bInterfaceClass === 0x0b,
    });
    expect(t.kind).toBe('simulator');
    expect(t.atr).toEqual(atr);
    expect(t.protocol).toBe(protocol);
    const level = t.reader.descriptor.exchangeLevel;
    expect(level).toBe(protocol === null ? (t.capabilities.extendedApdu ? 'extended-apdu' : 'short-apdu') : 'tpdu');
    const stats = t.virtualReader.stats;
    expect([stats.ppsRequests, stats.ifsRequests, stats.powerSelects]).toEqual([pps, ifs, [power]]);
    await apduSuite(t);
    if (level === 'extended-apdu' && entry.descriptor['dwMaxCCIDMessageLength']! < 4096) {
      // The 4 KB command crossed as several XfrBlocks chained with wLevelParameter (CCID §6.1.4).
      expect(stats.commands.get(0x6f)!).toBeGreaterThan(4096 / (entry.descriptor['dwMaxCCIDMessageLength']! - 10));
    }
    await t.close();
    expect(t.virtualReader.opened).toBe(false);
  });
});
