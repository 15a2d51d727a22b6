/**
 * The parsed answer-to-reset (ISO/IEC 7816-3:2006 §8.2). Produced by `parseAtr()` in `atr.ts`;
 * consumed by the CCID reader (PPS, T=1 parameters) and by credential detection.
 */
export interface Atr {
  /** The raw bytes as received. */
  readonly bytes: Uint8Array;
  /** TS: 0x3B direct convention, 0x3F inverse convention (§8.1). */
  readonly convention: 'direct' | 'inverse';
  /** Interface bytes by index i (1-based, as in the standard): TAi, TBi, TCi, and the protocol T announced by TDi-1. */
  readonly interfaceGroups: readonly AtrInterfaceGroup[];
  /** Historical bytes T1..TK (§8.2.4). */
  readonly historical: Uint8Array;
  /** TCK when present (§8.2.5); absent only when T=0 is the only protocol offered. */
  readonly tck?: number;
  /** Transmission protocols offered, in ATR order, e.g. [0, 1]; [0] when no TD1. */
  readonly protocols: readonly number[];
  /** Clock rate conversion Fi and baud rate adjustment Di from TA1 (§8.3, Tables 7 and 8); defaults 372/1. */
  readonly fi: number;
  readonly di: number;
  /** Maximum clock frequency in Hz from TA1's FI (Table 7), when defined. */
  readonly fMaxHz?: number;
  /** The raw TA1 byte, or 0x11 when absent (the default Fi/Di). */
  readonly ta1: number;
  /** Extra guard time N from TC1 (default 0). */
  readonly extraGuardTime: number;
  /** Specific mode (TA2 present): the card is fixed to `specificProtocol`, no PPS allowed unless bit 8 permits. */
  readonly specificMode?: {
    readonly protocol: number;
    readonly canChange: boolean;
    readonly implicitParameters: boolean;
  };

  /** T=0 waiting integer WI from TC2 (default 10). */
  readonly wi: number;
  /** T=1 parameters from the first TA/TB/TC after T=1 is announced (ISO 7816-3 §11.4). */
  readonly t1: {
    /** IFSC, information field size for the card (default 32). */
    readonly ifsc: number;
    /** Character waiting integer CWI (default 13) and block waiting integer BWI (default 4). */
    readonly cwi: number;
    readonly bwi: number;
    /** Error detection code: LRC (default) or CRC (TC bit 1). */
    readonly edc: 'lrc' | 'crc';
  };
}

/** One group of interface bytes: TAi, TBi, TCi, TDi, and the protocol that TDi-1 said they belong to. */
export interface AtrInterfaceGroup {
  readonly index: number;
  /** The protocol T indicated for this group by TD(i-1); for group 1, undefined (global bytes). */
  readonly protocol?: number;
  readonly ta?: number;
  readonly tb?: number;
  readonly tc?: number;
  readonly td?: number;
}
