import type { PinPadCommand } from '../ccid/pin-pad';

export type { PinPadCommand } from '../ccid/pin-pad';

/**
 * The `CardTransport` seam: everything above it (apdu/, piv/, cards/) sees a card only through this.
 *
 * A transport moves one complete command APDU to the card and returns the complete response APDU
 * (data followed by SW1 SW2). It does not interpret status words: 61xx/6Cxx handling, command chaining
 * and extended-length decisions belong to `ApduChannel` in src/apdu/, which reads `capabilities`.
 *
 * Backends: `webusb-ccid` (our CCID driver), `simulator` (a virtual CCID reader exposed as a USBDevice,
 * so the real driver runs), `pcsc-bridge` (the OS's PC/SC readers through the local bridge) and
 * `web-smart-card` (`navigator.smartCard` in the Isolated Web App on ChromeOS). Readers, and opening the
 * card in one, are the `ReaderBackend` seam's (reader-backend.ts).
 */
export interface CardTransport {
  /** Which backend this is. */
  readonly kind: 'webusb-ccid' | 'simulator' | 'web-smart-card' | 'pcsc-bridge';
  /** A reader name a person recognises, e.g. "Identiv uTrust 3700 F (slot 0)". */
  readonly readerName: string;
  /** The card's answer-to-reset, as received. */
  readonly atr: Uint8Array;
  /** What the path to the card can carry. */
  readonly capabilities: TransportCapabilities;
  /**
   * Sends one command APDU (ISO 7816-4 §5.1) and resolves with the response APDU (data ‖ SW1 ‖ SW2).
   * Rejects with an `AppError` (layer `'transport'` or `'ccid'`) when the path to the card fails; an
   * empty reader is `transport/NO_CARD` whatever the backend.
   */
  transmit(command: Uint8Array, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /**
   * Runs `work` with no other program's commands reaching the card in between, so a multi-step operation
   * keeps the card's selected application and security status (PC/SC transactions, Part 5 §3.1.5).
   * Absent where the backend already owns the card outright (WebUSB claims the reader's interface).
   */
  transaction?<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Present when the reader has a PIN pad and this backend can drive it: the CCID driver through
   * PC_to_RDR_Secure (CCID rev 1.1 §6.1.11), the PC/SC bridge through FEATURE_VERIFY_PIN_DIRECT /
   * FEATURE_MODIFY_PIN_DIRECT (PC/SC Part 10 v2.02.09 §2.3).
   */
  readonly pinPad?: PinPad;
  /** Releases the card (power off where the backend owns it). Idempotent. */
  close(): Promise<void>;
}

/**
 * The reader's keypad: the holder types the PIN on the reader, which puts it into the command and sends
 * that to the card, so the PIN never reaches the host.
 */
export interface PinPad {
  /** Which commands the keypad takes: one PIN (VERIFY), and a new PIN typed twice (CHANGE REFERENCE DATA). */
  readonly verify: boolean;
  readonly modify: boolean;
  /**
   * Has the reader fill `command`'s PIN fields from its keypad and send it; resolves with the card's
   * response APDU. The reader giving up waiting rejects with `transport/PIN_TIMEOUT`, the holder's cancel
   * key (or `signal`, where the backend can abort the entry) with `transport/PIN_CANCELLED`.
   */
  enterPin(command: PinPadCommand, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
}

/** What a transport can carry; `ApduChannel` chooses the APDU encoding from this. */
export interface TransportCapabilities {
  /** Extended-length APDUs (ISO 7816-4 §5.1) pass through unchanged. */
  readonly extendedApdu: boolean;
  /** Largest command APDU, in bytes, that one `transmit` accepts. */
  readonly maxCommandLength: number;
  /** Largest response APDU, in bytes, that one `transmit` can return. */
  readonly maxResponseLength: number;
}
