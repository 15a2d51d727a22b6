/**
 * Readers as the operator sees them: the USB readers this origin may use, the demo's virtual reader,
 * their capabilities in plain terms, live card presence, and the card's parsed ATR.
 *
 * The WebUSB details (filters, DOMException mapping) stay in src/transport/webusb-ccid.ts; this module
 * only decides what to show and opens a card for the layers above. Readers behind the local PC/SC
 * bridge come from src/transport/pcsc-bridge.ts.
 */
import { toHex } from '../bytes';
import { isAppError } from '../app-error';
import { parseAtr } from '../ccid/atr';
import type { Atr } from '../ccid/atr-types';
import type { CcidReader } from '../ccid/reader';
import type { UsbDeviceLike } from '../ccid/reader-usb';
import {
  connectCcidSlot,
  listGrantedReaders,
  onReaderConnectionChange,
  openWebUsbReader,
  requestReader,
} from '../transport/webusb-ccid';
import type { CardTransport } from '../transport/card-transport';
import type { BridgeKeyStore, PcscBridgeCard, PcscBridgeClient } from '../transport/pcsc-bridge';

/** The card and bridge handles the layers above pass around; they open them only through here. */
export type { CardTransport, PcscBridgeCard, PcscBridgeClient };
export type { BridgeReader } from '../transport/pcsc-bridge-protocol';

/** A reader the operator can pick. */
export interface ReaderChoice {
  readonly id: string;
  readonly label: string;
  readonly source: 'usb' | 'virtual';
  readonly device: UsbDeviceLike;
}

/** What a reader can do, in the terms the details panel shows. */
export interface ReaderCapabilities {
  readonly exchangeLevel: 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu';
  readonly protocols: readonly string[];
  readonly slots: number;
  readonly maxMessageLength: number;
  readonly maxIfsd: number;
  readonly autoPps: boolean;
  readonly autoIfsd: boolean;
  readonly pinPad: boolean;
  /** The CCID interface uses vendor class 0xFF, so an ordinary page may claim it. */
  readonly vendorClass: boolean;
}

/** A powered card. */
export interface CardInfo {
  readonly atr: Atr;
  readonly atrHex: string;
  /** T=0/T=1 when the driver runs the protocol; null when the reader (or the OS's PC/SC driver) does. */
  readonly protocol: 0 | 1 | null;
  readonly transport: CardTransport;
}

function usbChoice(device: USBDevice, index: number): ReaderChoice {
  const label = [device.manufacturerName, device.productName].filter(Boolean).join(' ') || 'USB smart-card reader';
  const id = `usb:${device.vendorId}:${device.productId}:${device.serialNumber ?? index}`;
  return { id, label, source: 'usb', device };
}

/** Readers already granted to this origin; none (not an error) where WebUSB is missing. */
export async function grantedUsbReaders(): Promise<ReaderChoice[]> {
  try {
    return (await listGrantedReaders()).map(usbChoice);
  } catch (e) {
    if (isAppError(e, 'transport', 'WEBUSB_UNAVAILABLE')) return [];
    throw e;
  }
}

/** Shows the browser's device chooser (needs a click). */
export async function chooseUsbReader(): Promise<ReaderChoice> {
  return usbChoice(await requestReader(), 0);
}

/** Calls `onChange` when a granted reader is plugged in or out; a no-op without WebUSB. */
export function watchUsbReaders(onChange: () => void): () => void {
  try {
    return onReaderConnectionChange(onChange);
  } catch {
    return () => undefined;
  }
}

/** An open reader: capabilities, presence per slot, and cards. */
export class ReaderConnection {
  private constructor(
    readonly choice: ReaderChoice,
    private readonly reader: CcidReader,
  ) {}

  /** Opens (claims) the reader. Browser refusals arrive as `AppError('transport', …)`. */
  static async open(choice: ReaderChoice): Promise<ReaderConnection> {
    return new ReaderConnection(choice, await openWebUsbReader(choice.device));
  }

  get name(): string {
    return this.choice.source === 'virtual' ? this.choice.label : this.reader.name;
  }

  get capabilities(): ReaderCapabilities {
    const d = this.reader.descriptor;
    return {
      exchangeLevel: d.exchangeLevel,
      protocols: [d.protocols.t0 ? 'T=0' : '', d.protocols.t1 ? 'T=1' : ''].filter(Boolean),
      slots: d.maxSlotIndex + 1,
      maxMessageLength: d.maxMessageLength,
      maxIfsd: d.maxIfsd,
      autoPps: d.auto.pps,
      autoIfsd: d.auto.ifsd,
      pinPad: d.pinSupport.verification,
      vendorClass: this.reader.usbInterface.interfaceClass === 0xff,
    };
  }

  /** Card presence in `slot` as last reported; null before the first report. */
  present(slot = 0): boolean | null {
    return this.reader.slots[slot]?.present ?? null;
  }

  /** Follows insertions and removals; returns the unsubscribe function. */
  onPresence(listener: (slot: number, present: boolean) => void): () => void {
    return this.reader.onSlotChange((e) => listener(e.slot, e.present));
  }

  /** Powers the card in `slot` and parses its ATR. */
  async readCard(slot = 0): Promise<CardInfo> {
    const transport = await connectCcidSlot(this.reader, {
      slot,
      kind: this.choice.source === 'virtual' ? 'simulator' : 'webusb-ccid',
    });
    return {
      atr: parseAtr(transport.atr),
      atrHex: toHex(transport.atr, { separator: ' ' }),
      protocol: transport.protocol,
      transport,
    };
  }

  /** Releases the reader. */
  close(): Promise<void> {
    return this.reader.close();
  }
}

/**
 * True when WebUSB refused a reader in a way only the local PC/SC bridge (or an Isolated Web App) gets
 * around: the Smart Card class is protected, or the device (a YubiKey) is on Chrome's blocklist.
 */
export function bridgeWouldHelp(e: unknown): boolean {
  return isAppError(e, 'transport', 'PROTECTED_CLASS') || isAppError(e, 'transport', 'BLOCKLISTED');
}

/** The card a bridge reader holds, in the terms the card panel and the Lifecycle page use. */
export function bridgeCardInfo(card: PcscBridgeCard): CardInfo {
  return { atr: parseAtr(card.atr), atrHex: toHex(card.atr, { separator: ' ' }), protocol: null, transport: card };
}

/**
 * Connects to the operator's local PC/SC bridge (bridge/), on its default port unless `url`, proving the
 * pairing kept in `keys`. Loaded on first use.
 */
export async function connectBridge(keys: BridgeKeyStore, url?: string): Promise<PcscBridgeClient> {
  const { PcscBridgeClient } = await import('../transport/pcsc-bridge');
  return PcscBridgeClient.connect(url ? { url, keys } : { keys });
}
