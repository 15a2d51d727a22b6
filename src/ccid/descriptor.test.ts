/**
 * The CCID class descriptor parser (CCID rev 1.1 §5.1) against a hand-read fixture and against every
 * descriptor in test/fixtures/ccid-readers.json; and the configuration walk (USB 2.0 §9.6).
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import { isAppError } from '../app-error';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findCcidInterface } from './descriptor-config';
import { parseCcidDescriptor, type ExchangeLevel } from './descriptor';

interface CorpusReader {
  file: string;
  descriptorHex: string;
  interface: { bInterfaceClass: number; bNumEndpoints: number };
  descriptor: Record<string, number>;
}
/** test/fixtures/ccid-readers.json (LudovicRousseau/CCID readers/, see test/fixtures/README.md); CCID_CORPUS overrides it. */
const CORPUS =
  process.env['CCID_CORPUS'] ?? fileURLToPath(new URL('../../test/fixtures/ccid-readers.json', import.meta.url));
const readers = (JSON.parse(readFileSync(CORPUS, 'utf8')) as { readers: CorpusReader[] }).readers;
const corpusEntry = (file: string): CorpusReader => readers.find((r) => r.file === file)!;

/**
 * A configuration descriptor (USB 2.0 §9.6.3) around a corpus entry: interface (§9.6.5), its class
 * descriptor, then bulk out 01, bulk in 82, interrupt in 83 (§9.6.6) as many as bNumEndpoints.
 */
function configurationFor(r: CorpusReader): Uint8Array {
  const eps = ['07 05 01 02 40 00 00', '07 05 82 02 40 00 00', '07 05 83 03 08 00 10']
    .slice(0, r.interface.bNumEndpoints)
    .join(' ');
  const body = fromHex(
    `09 04 00 00 ${toHex([r.interface.bNumEndpoints])} ${toHex([r.interface.bInterfaceClass])} 00 00 00 ${r.descriptorHex} ${eps}`,
  );
  const total = 9 + body.length;
  return Uint8Array.of(9, 2, total & 0xff, total >> 8, 1, 1, 0, 0x80, 50, ...body);
}

describe('parseCcidDescriptor', () => {
  it('decodes the Identiv uTrust 3700 F descriptor field by field', () => {
    const d = parseCcidDescriptor(
      fromHex(
        '36 21' + //         bLength 54, bDescriptorType 0x21
          '1001' + //        bcdCCID 1.10
          '00' + //          bMaxSlotIndex 0
          '01' + //          bVoltageSupport: 5.0 V only
          '03000000' + //    dwProtocols: T=0, T=1
          'c0120000' + //    dwDefaultClock 4800 kHz
          'e02e0000' + //    dwMaximumClock 12000 kHz
          '00' + //          bNumClockSupported 0
          '67320000' + //    dwDataRate 12903 bps
          'e74c0600' + //    dwMaxDataRate 412903 bps
          '00' + //          bNumDataRatesSupported 0
          '00040000' + //    dwMaxIFSD 1024
          '00000000' + //    dwSynchProtocols
          '01000000' + //    dwMechanical: accept
          'be040400' + //    dwFeatures 0x000404BE: auto config/activation/voltage/clock/baud/PPS, auto IFSD, extended APDU
          '0a040000' + //    dwMaxCCIDMessageLength 1034
          'ff' + //          bClassGetResponse: echo
          'ff' + //          bClassEnvelope: echo
          '0000' + //        wLcdLayout: none
          '00' + //          bPINSupport: none
          '01', //           bMaxCCIDBusySlots 1
      ),
    );
    expect(d).toMatchObject({
      bcdCCID: 0x0110,
      maxSlotIndex: 0,
      voltageSupport: { v5: true, v3: false, v1_8: false },
      protocols: { t0: true, t1: true },
      defaultClockKhz: 4800,
      maxClockKhz: 12000,
      defaultDataRate: 12903,
      maxDataRate: 412903,
      maxIfsd: 1024,
      exchangeLevel: 'extended-apdu',
      auto: {
        parameterConfig: true,
        activation: true,
        voltage: true,
        clock: true,
        baud: true,
        parameterNegotiation: false,
        pps: true,
        ifsd: true,
      },
      maxMessageLength: 1034,
      classGetResponse: 0xff,
      lcdLayout: null,
      pinSupport: { verification: false, modification: false },
      maxBusySlots: 1,
    });
  });

  it('refuses a descriptor of the wrong length or type', () => {
    const bytes = fromHex(corpusEntry('DellSCRK.txt').descriptorHex);
    expect(() => parseCcidDescriptor(bytes.subarray(0, 53))).toThrow(
      expect.objectContaining({ layer: 'ccid', code: 'BAD_DESCRIPTOR' }),
    );
    const wrongType = bytes.slice();
    wrongType[1] = 0x24;
    expect(() => parseCcidDescriptor(wrongType)).toThrow(expect.objectContaining({ code: 'BAD_DESCRIPTOR' }));
  });
});

describe('the reader corpus', () => {
  it('parses all 773 descriptors, agreeing with the decoded fields, and counts the exchange levels', () => {
    const levels: Record<ExchangeLevel, number> = { character: 0, tpdu: 0, 'short-apdu': 0, 'extended-apdu': 0 };
    const protocols = { t0: 0, t1: 0, both: 0, none: 0 };
    for (const r of readers) {
      const d = parseCcidDescriptor(fromHex(r.descriptorHex));
      const f = r.descriptor;
      expect([
        d.maxSlotIndex,
        d.features,
        d.maxMessageLength,
        d.maxIfsd,
        d.protocols.raw,
        d.maxDataRate,
        d.defaultClockKhz,
        d.bcdCCID,
      ]).toEqual([
        f['bMaxSlotIndex'],
        f['dwFeatures'],
        f['dwMaxCCIDMessageLength'],
        f['dwMaxIFSD'],
        f['dwProtocols'],
        f['dwMaxDataRate'],
        f['dwDefaultClock'],
        f['bcdCCID'],
      ]);
      levels[d.exchangeLevel] += 1;
      if (d.protocols.t0 && d.protocols.t1) protocols.both += 1;
      else if (d.protocols.t0) protocols.t0 += 1;
      else if (d.protocols.t1) protocols.t1 += 1;
      else protocols.none += 1;
    }
    console.log('CCID corpus exchange levels:', levels, 'protocols:', protocols);
    expect(readers).toHaveLength(773);
    expect(levels).toEqual({ tpdu: 278, 'short-apdu': 194, 'extended-apdu': 295, character: 6 });
    // dwProtocols 0x300 (one reader) names neither T=0 nor T=1 in the bits CCID defines.
    expect(protocols.t0 + protocols.t1 + protocols.both).toBe(772);
    expect(protocols.none).toBe(1);
  });

  it('finds the CCID interface in a configuration built around each descriptor: 26 vendor-class', () => {
    let vendorClass = 0;
    for (const r of readers) {
      const found = findCcidInterface(configurationFor(r));
      expect(found.descriptor.features).toBe(r.descriptor['dwFeatures']);
      expect(found.interfaceClass).toBe(r.interface.bInterfaceClass);
      expect(found.bulkIn !== null).toBe(r.interface.bNumEndpoints >= 2);
      if (found.interfaceClass === 0xff) vendorClass += 1;
    }
    console.log('CCID corpus vendor-class (0xFF) interfaces:', vendorClass);
    expect(vendorClass).toBe(26);
  });
});

describe('findCcidInterface', () => {
  const cls = corpusEntry('SPR532.txt').descriptorHex;
  const iface = (n: number, c: number, eps: number) => `09 04 ${toHex([n])} 00 ${toHex([eps])} ${toHex([c])} 00 00 00`;
  const config = (body: string) => {
    const b = fromHex(body);
    const total = 9 + b.length;
    return fromHex(
      `09 02 ${toHex([total & 0xff, total >> 8], { separator: ' ' })} 02 03 00 80 32` + body.replace(/\s/g, ''),
    );
  };

  it('takes a vendor-class interface whose class descriptor comes after its endpoints, skipping a HID interface', () => {
    const found = findCcidInterface(
      config(
        iface(0, 0x03, 1) +
          '07 05 81 03 08 00 0a' + //                 HID keyboard, interrupt in
          iface(1, 0xff, 3) + //                                        vendor-class CCID
          '07 05 02 02 40 00 00 07 05 83 02 40 00 00 07 05 84 03 10 00 10' + // bulk out 2, bulk in 3, interrupt in 4
          cls, //                                                       54-byte class descriptor last
      ),
    );
    expect(found).toMatchObject({
      configurationValue: 3,
      interfaceNumber: 1,
      interfaceClass: 0xff,
      bulkOut: { number: 2, maxPacketSize: 64 },
      bulkIn: { number: 3, maxPacketSize: 64 },
      interruptIn: { number: 4, maxPacketSize: 16 },
    });
    expect(found.descriptor.exchangeLevel).toBe('tpdu');
  });

  it('refuses a vendor-class interface without a class descriptor, and overrunning descriptors', () => {
    const noCcid = () => findCcidInterface(config(iface(0, 0xff, 2) + '07 05 01 02 40 00 00 07 05 82 02 40 00 00'));
    expect(noCcid).toThrow(expect.objectContaining({ code: 'NOT_A_CCID_READER' }));
    try {
      findCcidInterface(config(iface(0, 0x0b, 0) + '36 21 00'));
    } catch (e) {
      expect(isAppError(e, 'ccid', 'BAD_DESCRIPTOR')).toBe(true);
      return;
    }
    expect.unreachable();
  });
});
