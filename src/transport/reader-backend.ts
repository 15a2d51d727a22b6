/**
 * The `ReaderBackend` seam: one reader model above `CardTransport`, so the reader state, the picker, the
 * card panel and Lifecycle never ask which platform API reaches the card.
 *
 * A backend lists readers and follows them (readers come and go, cards go in and out); opening a reader
 * gives an `OpenReader`, whose `openCard()` powers the card and returns its `CardTransport` (with a
 * `transaction` where the platform has one). Backends: `webusb-ccid` (our CCID driver over WebUSB),
 * `pcsc-bridge` (the OS's PC/SC through the local bridge), `web-smart-card` (`navigator.smartCard` in an
 * Isolated Web App) and `simulator` (the demo's virtual reader, src/simulator/).
 */
import { toHex } from '../bytes';
import { parseAtr } from '../ccid/atr';
import type { Atr } from '../ccid/atr-types';
import type { CardTransport } from './card-transport';

/** Which backend a reader or card belongs to (the same names as `CardTransport.kind`). */
export type ReaderBackendKind = CardTransport['kind'];

/** A reader one backend offers. */
export interface ReaderInfo {
  /** Unique across backends (each backend prefixes its own: `usb:`, `bridge:`, `virtual:`, `smart-card:`). */
  readonly id: string;
  /** What the picker shows, e.g. "Identiv uTrust 3700 F" or "Virtual reader". */
  readonly label: string;
  readonly backend: ReaderBackendKind;
  /** Card presence as the backend last saw it; null where it is known only once the reader is open. */
  readonly present: boolean | null;
}

/**
 * What an open reader can do, for the card panel. Fields a backend cannot know are absent: PC/SC
 * (bridge, Web Smart Card) hides the reader's CCID descriptor behind its driver.
 */
export interface ReaderCapabilities {
  readonly exchangeLevel: 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu';
  readonly protocols?: readonly string[];
  readonly slots?: number;
  readonly maxMessageLength?: number;
  readonly maxIfsd?: number;
  readonly autoPps?: boolean;
  readonly autoIfsd?: boolean;
  readonly pinPad?: boolean;
  /** The USB interface class: 'vendor' (0xFF, an ordinary page may claim it) or 'smart-card' (0x0B). */
  readonly interfaceClass?: 'vendor' | 'smart-card';
}

/** A card the demo lets a person put in and pull out by hand (the simulator's virtual reader). */
export interface HandCardSlot {
  /** Puts a factory-fresh card in (after pulling any card out). */
  insertBlankCard(): Promise<void>;
  /** Pulls the card out. */
  removeCard(): void;
}

/** A powered card and its transport. */
export interface OpenedCard {
  readonly transport: CardTransport;
  /** T=0/T=1 when our driver runs the protocol; null when the reader or the OS's PC/SC driver does. */
  readonly protocol: 0 | 1 | null;
}

/** A reader the app holds open: presence, capabilities and its card. */
export interface OpenReader {
  readonly info: ReaderInfo;
  /** The reader's own name where the backend learns it on opening (a CCID reader's USB strings). */
  readonly name: string;
  readonly capabilities: ReaderCapabilities;
  /** Present only where a person can put a card in by hand (the demo's virtual reader). */
  readonly handCard?: HandCardSlot;
  /** Card presence as last reported; null before the first report. */
  present(): boolean | null;
  /** Follows insertions and removals; returns the unsubscribe function. */
  onPresence(listener: (present: boolean) => void): () => void;
  /** Powers (or connects to) the card and returns its transport. */
  openCard(): Promise<OpenedCard>;
  /** Releases the reader. Idempotent. */
  close(): Promise<void>;
}

/** One way of reaching readers. */
export interface ReaderBackend {
  readonly kind: ReaderBackendKind;
  /** The kind of reader this backend adds, for the picker ("USB reader"). */
  readonly title: string;
  /** The readers it offers now; none (not an error) where its platform API is missing. */
  listReaders(): Promise<ReaderInfo[]>;
  /** Calls `onChange` with the new list when readers come or go or a card goes in or out; returns the unsubscribe function. */
  watch(onChange: (readers: readonly ReaderInfo[]) => void): () => void;
  /** Opens the reader `id` (one of `listReaders()`). */
  open(id: string): Promise<OpenReader>;
  /** Asks the person for a reader (a browser chooser, needs a click); absent where readers need no asking. */
  request?(): Promise<ReaderInfo>;
  /** Stops watching and releases what the backend holds. */
  close(): Promise<void>;
}

/** The card in an open reader as the card panel and Lifecycle use it. */
export interface CardInfo {
  readonly atr: Atr;
  readonly atrHex: string;
  readonly protocol: 0 | 1 | null;
  readonly transport: CardTransport;
}

/** Powers the card in `reader` and parses its ATR (ISO 7816-3 §8). */
export async function readCard(reader: OpenReader): Promise<CardInfo> {
  const { transport, protocol } = await reader.openCard();
  return {
    atr: parseAtr(transport.atr),
    atrHex: toHex(transport.atr, { separator: ' ' }),
    protocol,
    transport,
  };
}
