/**
 * The virtual reader's own reading of the CCID class descriptor (CCID rev 1.1 §5.1, Table 5.1-1),
 * independent of src/ccid/descriptor.ts so that the two can check each other.
 */
import { fromHex } from '../bytes';
import type { CorpusReaderEntry } from './virtual-usb-descriptors';
import type { SimReaderFacts } from './virtual-types';

function dword(b: Uint8Array, o: number): number {
  return b[o]! + b[o + 1]! * 0x100 + b[o + 2]! * 0x10000 + b[o + 3]! * 0x1000000;
}

/** Decodes the fields the simulation acts on: offsets 4, 5, 10, 14, 18, 23, 27, 28, 40, 44, 52. */
export function readerFacts(entry: CorpusReaderEntry): SimReaderFacts {
  const d = fromHex(entry.descriptorHex);
  const features = dword(d, 40);
  const level =
    features & 0x40000
      ? 'extended-apdu'
      : features & 0x20000
        ? 'short-apdu'
        : features & 0x10000
          ? 'tpdu'
          : 'character';
  return {
    level,
    maxSlotIndex: d[4]!,
    voltageSupport: d[5]!,
    defaultClockKhz: dword(d, 10),
    maxClockKhz: dword(d, 14),
    numClocks: d[18]!,
    maxDataRate: dword(d, 23),
    numDataRates: d[27]!,
    maxIfsd: dword(d, 28),
    // Automatic PPS (0x80) or the reader's own parameter negotiation (0x40) both spare the host a PPS.
    autoPps: (features & 0xc0) !== 0,
    autoIfsd: (features & 0x400) !== 0,
    maxMessageLength: dword(d, 44),
    pinSupport: d[52] ?? 0,
    stats: { ppsRequests: 0, ifsRequests: 0, commands: new Map(), apdus: 0, powerSelects: [] },
  };
}

/** GET_CLOCK_FREQUENCIES answer (§5.3.2): bNumClockSupported clocks from the default up to the maximum. */
export function simClockList(f: SimReaderFacts): number[] {
  const n = f.numClocks;
  if (n === 0) return [];
  if (n === 1) return [f.defaultClockKhz];
  return Array.from({ length: n }, (_, i) =>
    Math.round(f.defaultClockKhz + ((f.maxClockKhz - f.defaultClockKhz) * i) / (n - 1)),
  );
}

/** GET_DATA_RATES answer (§5.3.3): rates f·D/F at the default clock for Fi 372 and the usual Di, capped at the maximum. */
export function simDataRateList(f: SimReaderFacts): number[] {
  const rates = [1, 2, 4, 8, 12, 16, 20, 32].map((di) => Math.round((f.defaultClockKhz * 1000 * di) / 372));
  return rates.filter((r) => r <= f.maxDataRate).slice(0, f.numDataRates);
}
