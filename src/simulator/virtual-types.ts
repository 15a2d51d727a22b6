/**
 * Types shared by the virtual reader's parts.
 */

/** A card application: one command APDU in, one response APDU (data ‖ SW1 SW2) out. */
export type ApduHandler = (apdu: Uint8Array) => Promise<Uint8Array> | Uint8Array;

/** A virtual card: its ATR and the application answering APDUs. */
export interface VirtualCardSpec {
  readonly atr: Uint8Array;
  readonly handleApdu: ApduHandler;
  /** Supply voltages the card answers at (ISO 7816-3 §5.1.3 classes A, B, C); all when absent. */
  readonly voltages?: readonly ('5V' | '3V' | '1.8V')[];
}

/** A virtual card as the reader holds it: protocols read from the ATR, handler made async. */
export interface VirtualCard {
  readonly atr: Uint8Array;
  readonly protocols: readonly number[];
  readonly voltages?: readonly ('5V' | '3V' | '1.8V')[] | undefined;
  handleApdu(apdu: Uint8Array): Promise<Uint8Array>;
}

/** What the virtual reader reads from its class descriptor (CCID rev 1.1 §5.1), decoded independently. */
export interface SimReaderFacts {
  readonly level: 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu';
  readonly maxSlotIndex: number;
  readonly voltageSupport: number;
  readonly maxMessageLength: number;
  /** bPINSupport (offset 52): b0 verification, b1 modification on the reader's keypad. */
  readonly pinSupport: number;
  readonly maxIfsd: number;
  readonly autoPps: boolean;
  readonly autoIfsd: boolean;
  readonly defaultClockKhz: number;
  readonly maxDataRate: number;
  readonly numClocks: number;
  readonly numDataRates: number;
  readonly maxClockKhz: number;
  readonly stats: SimStats;
}

/** Counters tests read to check what the driver did. */
export interface SimStats {
  /** PPS requests the host sent in XfrBlock at TPDU level (ISO 7816-3 §9). */
  ppsRequests: number;
  /** T=1 S(IFS request) blocks the host sent (ISO 7816-3 §11.6.2.3). */
  ifsRequests: number;
  /** Bulk-out commands received, by bMessageType. */
  readonly commands: Map<number, number>;
  /** APDUs the card application received. */
  apdus: number;
  /** bPowerSelect of each IccPowerOn (0 automatic, 1 = 5 V, 2 = 3 V, 3 = 1.8 V). */
  readonly powerSelects: number[];
}

/**
 * Fault modes (as in ChromeOS Smart Card Connector's simulated reader). Each applies to the next `times`
 * bulk commands (or transfers) and then clears; `VirtualReader.clearFaults()` clears all at once.
 */
export type VirtualFault =
  | { readonly kind: 'transfer-error'; readonly direction: 'in' | 'out'; readonly times: number }
  | { readonly kind: 'wrong-seq'; readonly times: number; readonly perCommand?: number }
  | { readonly kind: 'time-extension'; readonly times: number; readonly perCommand?: number }
  | { readonly kind: 'slot-busy'; readonly times: number }
  | { readonly kind: 'card-removed'; readonly times: number };
