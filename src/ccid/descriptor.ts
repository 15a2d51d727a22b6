/**
 * The CCID class descriptor (CCID rev 1.1 §5.1, Table 5.1-1): a pure parser from its 54 bytes to a typed
 * object that says what the reader can do, and which exchange level the driver must speak.
 */
import { AppError } from '../app-error';

/** bDescriptorType of the CCID functional descriptor (CCID rev 1.1 §5.1). */
export const CCID_DESCRIPTOR_TYPE = 0x21;
/**
 * Some vendor-class readers (Dell SK-3106, Gemalto e-Seal Pro, Verisign tokens) type their otherwise
 * identical descriptor 0xFF; libccid accepts any 54-byte descriptor after the interface, and so do we.
 */
export const VENDOR_CCID_DESCRIPTOR_TYPE = 0xff;
/** bLength of the CCID functional descriptor (CCID rev 1.1 §5.1). */
export const CCID_DESCRIPTOR_LENGTH = 54;

/** dwFeatures bits (CCID rev 1.1 §5.1, Table 5.1-1, offset 40). */
export const CCID_FEATURE = {
  AUTO_PARAMETER_CONFIG: 0x0000_0002,
  AUTO_ACTIVATION: 0x0000_0004,
  AUTO_VOLTAGE: 0x0000_0008,
  AUTO_CLOCK: 0x0000_0010,
  AUTO_BAUD: 0x0000_0020,
  AUTO_PARAMETER_NEGOTIATION: 0x0000_0040,
  AUTO_PPS: 0x0000_0080,
  CAN_STOP_CLOCK: 0x0000_0100,
  NAD_OTHER_THAN_00: 0x0000_0200,
  AUTO_IFSD: 0x0000_0400,
  LEVEL_TPDU: 0x0001_0000,
  LEVEL_SHORT_APDU: 0x0002_0000,
  LEVEL_EXTENDED_APDU: 0x0004_0000,
  LEVEL_MASK: 0x0007_0000,
  USB_WAKEUP: 0x0010_0000,
} as const;

/** bVoltageSupport bits (CCID rev 1.1 §5.1, offset 5). */
export const VOLTAGE_SUPPORT = { V5_0: 0x01, V3_0: 0x02, V1_8: 0x04 } as const;

/** bPINSupport bits (CCID rev 1.1 §5.1, offset 52). */
export const PIN_SUPPORT = { VERIFICATION: 0x01, MODIFICATION: 0x02 } as const;

/** How the host and the reader split the work of talking to the card (dwFeatures bits 16..18). */
export type ExchangeLevel = 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu';

/** The parsed CCID class descriptor: raw fields plus the decoded facts the driver acts on. */
export interface CcidDescriptor {
  readonly bcdCCID: number;
  /** Highest slot index; the reader has bMaxSlotIndex + 1 slots. */
  readonly maxSlotIndex: number;
  readonly voltageSupport: { readonly v5: boolean; readonly v3: boolean; readonly v1_8: boolean; readonly raw: number };
  readonly protocols: { readonly t0: boolean; readonly t1: boolean; readonly raw: number };
  /** Clock and data rate (kHz, bps) as declared; the lists, when present, come from class requests (§5.3). */
  readonly defaultClockKhz: number;
  readonly maxClockKhz: number;
  readonly numClocksSupported: number;
  readonly defaultDataRate: number;
  readonly maxDataRate: number;
  readonly numDataRatesSupported: number;
  readonly maxIfsd: number;
  readonly synchProtocols: number;
  readonly mechanical: number;
  readonly features: number;
  readonly exchangeLevel: ExchangeLevel;
  readonly auto: {
    readonly parameterConfig: boolean;
    readonly activation: boolean;
    readonly voltage: boolean;
    readonly clock: boolean;
    readonly baud: boolean;
    readonly parameterNegotiation: boolean;
    readonly pps: boolean;
    readonly ifsd: boolean;
  };
  readonly maxMessageLength: number;
  readonly classGetResponse: number;
  readonly classEnvelope: number;
  readonly lcdLayout: { readonly lines: number; readonly columns: number } | null;
  readonly pinSupport: { readonly verification: boolean; readonly modification: boolean };
  readonly maxBusySlots: number;
}

/** Little-endian readers: every multi-byte CCID field is LE (CCID rev 1.1 §3.2). */
export function u16le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
export function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** Decodes dwFeatures bits 16..18 into an exchange level (Table 5.1-1); the highest level bit wins. */
export function exchangeLevelOf(features: number): ExchangeLevel {
  if (features & CCID_FEATURE.LEVEL_EXTENDED_APDU) return 'extended-apdu';
  if (features & CCID_FEATURE.LEVEL_SHORT_APDU) return 'short-apdu';
  if (features & CCID_FEATURE.LEVEL_TPDU) return 'tpdu';
  return 'character';
}

/**
 * Parses the 54-byte CCID class descriptor (type 0x21, or 0xFF on some vendor-class readers). Throws
 * `AppError('ccid', 'BAD_DESCRIPTOR')` when the length or type is wrong.
 */
export function parseCcidDescriptor(bytes: Uint8Array): CcidDescriptor {
  const type = bytes[1];
  if (
    bytes.length < CCID_DESCRIPTOR_LENGTH ||
    bytes[0] !== CCID_DESCRIPTOR_LENGTH ||
    (type !== CCID_DESCRIPTOR_TYPE && type !== VENDOR_CCID_DESCRIPTOR_TYPE)
  ) {
    throw new AppError('ccid', 'BAD_DESCRIPTOR', 'The CCID class descriptor is not 54 bytes of type 0x21 (or 0xFF)', {
      length: bytes.length,
    });
  }
  const features = u32le(bytes, 40);
  const voltage = bytes[5]!;
  const protocols = u32le(bytes, 6);
  const lcd = u16le(bytes, 50);
  const pin = bytes[52]!;
  const has = (bit: number): boolean => (features & bit) !== 0;
  return {
    bcdCCID: u16le(bytes, 2), // offset 2, bcdCCID
    maxSlotIndex: bytes[4]!, // offset 4, bMaxSlotIndex
    voltageSupport: {
      v5: (voltage & VOLTAGE_SUPPORT.V5_0) !== 0,
      v3: (voltage & VOLTAGE_SUPPORT.V3_0) !== 0,
      v1_8: (voltage & VOLTAGE_SUPPORT.V1_8) !== 0,
      raw: voltage,
    },
    protocols: { t0: (protocols & 1) !== 0, t1: (protocols & 2) !== 0, raw: protocols }, // offset 6, dwProtocols
    defaultClockKhz: u32le(bytes, 10), // offset 10, dwDefaultClock
    maxClockKhz: u32le(bytes, 14), // offset 14, dwMaximumClock
    numClocksSupported: bytes[18]!, // offset 18, bNumClockSupported
    defaultDataRate: u32le(bytes, 19), // offset 19, dwDataRate
    maxDataRate: u32le(bytes, 23), // offset 23, dwMaxDataRate
    numDataRatesSupported: bytes[27]!, // offset 27, bNumDataRatesSupported
    maxIfsd: u32le(bytes, 28), // offset 28, dwMaxIFSD
    synchProtocols: u32le(bytes, 32), // offset 32, dwSynchProtocols
    mechanical: u32le(bytes, 36), // offset 36, dwMechanical
    features, // offset 40, dwFeatures
    exchangeLevel: exchangeLevelOf(features),
    auto: {
      parameterConfig: has(CCID_FEATURE.AUTO_PARAMETER_CONFIG),
      activation: has(CCID_FEATURE.AUTO_ACTIVATION),
      voltage: has(CCID_FEATURE.AUTO_VOLTAGE),
      clock: has(CCID_FEATURE.AUTO_CLOCK),
      baud: has(CCID_FEATURE.AUTO_BAUD),
      parameterNegotiation: has(CCID_FEATURE.AUTO_PARAMETER_NEGOTIATION),
      pps: has(CCID_FEATURE.AUTO_PPS),
      ifsd: has(CCID_FEATURE.AUTO_IFSD),
    },
    maxMessageLength: u32le(bytes, 44), // offset 44, dwMaxCCIDMessageLength
    classGetResponse: bytes[48]!, // offset 48, bClassGetResponse
    classEnvelope: bytes[49]!, // offset 49, bClassEnvelope
    lcdLayout: lcd === 0 ? null : { lines: lcd >> 8, columns: lcd & 0xff }, // offset 50, wLcdLayout
    pinSupport: {
      verification: (pin & PIN_SUPPORT.VERIFICATION) !== 0,
      modification: (pin & PIN_SUPPORT.MODIFICATION) !== 0,
    },
    maxBusySlots: bytes[53]!, // offset 53, bMaxCCIDBusySlots
  };
}
