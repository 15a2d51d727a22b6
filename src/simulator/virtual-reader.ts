/**
 * A virtual USB CCID reader exposing the WebUSB `USBDevice` surface the driver uses, byte-exact: standard
 * descriptors (USB 2.0 §9.4.3), CCID class requests (CCID rev 1.1 §5.3), bulk CCID messages (§6.1, §6.2)
 * and NotifySlotChange on the interrupt endpoint (§6.3.1). Like Chrome, it refuses to let an ordinary
 * page claim a Smart Card class (0x0B) interface (WebUSB "protected interface classes") or open a
 * blocklisted YubiKey, unless built `unrestricted` (an Isolated Web App with usb-unrestricted).
 * Modelled on ChromeOS Smart Card Connector's simulated reader, including its fault modes.
 */
import type { UsbDeviceLike } from '../ccid/reader-usb';
import {
  configurationDescriptor,
  deviceDescriptor,
  simEndpoints,
  SIM_ENDPOINT,
  type CorpusReaderEntry,
} from './virtual-usb-descriptors';
import { readerFacts, simClockList, simDataRateList } from './virtual-facts';
import { VirtualBulk } from './virtual-bulk';
import type { VirtualKeypad } from './virtual-keypad';
import type { SimStats, VirtualCardSpec, VirtualFault } from './virtual-types';

/** Options for `createVirtualReader`. */
export interface VirtualReaderOptions {
  /** A reader from test/fixtures/ccid-readers.json. */
  readonly entry: CorpusReaderEntry;
  /** The card in slot 0, or null for an empty reader. */
  readonly card: VirtualCardSpec | null;
  /** Behave like an Isolated Web App with `usb-unrestricted`: class 0x0B and YubiKeys are allowed. */
  readonly unrestricted?: boolean;
  readonly faults?: readonly VirtualFault[];
}

/** YubiKeys' vendor id: on Chrome's WebUSB blocklist. */
const YUBICO_VENDOR_ID = 0x1050;

const domError = (message: string, name: string): DOMException => new DOMException(message, name);

/** The virtual reader: a `USBDevice`-shaped object plus controls for tests and the demo. */
export class VirtualReader implements UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly manufacturerName: string | undefined;
  readonly serialNumber = 'KEYWARD-SIM-0001';
  opened = false;
  configuration: { configurationValue: number } | null = null;
  private claimed = false;
  private readonly bulk: VirtualBulk;
  private readonly config: Uint8Array;
  private readonly device: Uint8Array;

  constructor(private readonly options: VirtualReaderOptions) {
    const { entry } = options;
    this.vendorId = entry.idVendor;
    this.productId = entry.idProduct;
    this.productName = entry.product;
    this.manufacturerName = entry.manufacturer || undefined;
    this.config = configurationDescriptor(entry);
    this.device = deviceDescriptor(entry);
    this.bulk = new VirtualBulk(readerFacts(entry));
    for (const f of options.faults ?? []) this.bulk.faults.add(f);
    if (options.card) this.bulk.insertCard(options.card, 0, false);
  }

  /**
   * The reader's PIN pad (its descriptor sets bPINSupport): a test or the demo types the PIN here while
   * the reader asks for it (PC_to_RDR_Secure, CCID rev 1.1 §6.1.11).
   */
  get keypad(): VirtualKeypad {
    return this.bulk.keypad;
  }

  /** What the driver did, for assertions. */
  get stats(): SimStats {
    return this.bulk.facts.stats;
  }

  /** Inserts a card into `slot` and raises NotifySlotChange. */
  insertCard(card: VirtualCardSpec, slot = 0): void {
    this.bulk.insertCard(card, slot, true);
  }

  /** Removes the card from `slot` and raises NotifySlotChange. */
  removeCard(slot = 0): void {
    this.bulk.removeCard(slot, true);
  }

  /** Arms a fault mode (see `VirtualFault`). */
  injectFault(fault: VirtualFault): void {
    this.bulk.faults.add(fault);
  }

  /** Clears every armed fault. */
  clearFaults(): void {
    this.bulk.faults.clear();
  }

  /** USBDevice.reset(): faults cleared, cards powered off; queued replies are dropped. */
  async reset(): Promise<void> {
    this.requireOpen();
    this.bulk.faults.clear();
    this.bulk.reset();
  }

  private requireOpen(): void {
    if (!this.opened) throw domError('The device must be opened first.', 'InvalidStateError');
  }

  private requireClaimed(endpoint: number): void {
    this.requireOpen();
    if (!this.claimed || !simEndpoints(this.options.entry).bulk) {
      throw domError(
        `The specified endpoint (${endpoint}) is not part of a claimed and selected alternate interface.`,
        'NotFoundError',
      );
    }
  }

  async open(): Promise<void> {
    if (this.vendorId === YUBICO_VENDOR_ID && !this.options.unrestricted)
      throw domError('Access denied.', 'SecurityError');
    this.opened = true;
  }

  async close(): Promise<void> {
    this.opened = false;
    this.claimed = false;
    this.configuration = null;
    this.bulk.cancelAll(domError('The transfer was cancelled.', 'AbortError'));
  }

  async selectConfiguration(value: number): Promise<void> {
    this.requireOpen();
    if (value !== 1)
      throw domError('The configuration value provided is not supported by the device.', 'NotFoundError');
    this.configuration = { configurationValue: 1 };
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.requireOpen();
    if (!this.configuration || interfaceNumber !== 0)
      throw domError(
        'The interface number provided is not supported by the device in its current configuration.',
        'NotFoundError',
      );
    if (this.options.entry.interface.bInterfaceClass === 0x0b && !this.options.unrestricted) {
      throw domError('The requested interface implements a protected class.', 'SecurityError');
    }
    this.claimed = true;
  }

  async releaseInterface(): Promise<void> {
    this.requireOpen();
    this.claimed = false;
  }

  async clearHalt(): Promise<void> {
    this.requireOpen();
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    this.requireOpen();
    const data = this.controlIn(setup);
    if (!data) return { status: 'stall' };
    const bytes = data.slice(0, length);
    return { status: 'ok', data: new DataView(bytes.buffer) };
  }

  /** GET_DESCRIPTOR (USB 2.0 §9.4.3) and GET_CLOCK_FREQUENCIES / GET_DATA_RATES (CCID rev 1.1 §5.3.2, §5.3.3). */
  private controlIn(setup: USBControlTransferParameters): Uint8Array | null {
    if (setup.requestType === 'standard' && setup.request === 0x06) {
      if (setup.value === 0x0100) return this.device;
      if (setup.value === 0x0200) return this.config;
      return null;
    }
    if (setup.requestType === 'class' && setup.recipient === 'interface' && this.claimed) {
      if (setup.request === 0x02) return dwords(simClockList(this.bulk.facts));
      if (setup.request === 0x03) return dwords(simDataRateList(this.bulk.facts));
    }
    return null;
  }

  async controlTransferOut(setup: USBControlTransferParameters): Promise<USBOutTransferResult> {
    this.requireOpen();
    // ABORT (CCID rev 1.1 §5.3.1): wValue = bSeq << 8 | bSlot.
    if (setup.requestType === 'class' && setup.recipient === 'interface' && setup.request === 0x01 && this.claimed) {
      this.bulk.abortRequested(setup.value & 0xff, setup.value >> 8);
      return { status: 'ok', bytesWritten: 0 };
    }
    return { status: 'stall', bytesWritten: 0 };
  }

  async transferOut(endpoint: number, data: BufferSource): Promise<USBOutTransferResult> {
    this.requireClaimed(endpoint);
    if (endpoint !== (SIM_ENDPOINT.BULK_OUT & 0x0f))
      throw domError('The specified endpoint is not an OUT endpoint.', 'NotFoundError');
    const bytes = toBytes(data);
    if (this.bulk.faults.take('transfer-error', 'out'))
      throw domError('A transfer error has occurred.', 'NetworkError');
    this.bulk.receive(bytes);
    return { status: 'ok', bytesWritten: bytes.length };
  }

  async transferIn(endpoint: number, length: number): Promise<USBInTransferResult> {
    this.requireClaimed(endpoint);
    if (endpoint === (SIM_ENDPOINT.INTERRUPT_IN & 0x0f) && simEndpoints(this.options.entry).interrupt) {
      return inResult(await this.bulk.nextNotification(), length);
    }
    if (endpoint !== (SIM_ENDPOINT.BULK_IN & 0x0f))
      throw domError('The specified endpoint is not an IN endpoint.', 'NotFoundError');
    if (this.bulk.faults.take('transfer-error', 'in')) throw domError('A transfer error has occurred.', 'NetworkError');
    return inResult(await this.bulk.nextReply(), length);
  }
}

/** More bytes than the host asked for is babble (USB 2.0 §8.4.5); WebUSB reports it as a status. */
function inResult(message: Uint8Array, length: number): USBInTransferResult {
  const bytes = message.slice(0, length);
  return { status: message.length > length ? 'babble' : 'ok', data: new DataView(bytes.buffer) };
}

function dwords(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v, true));
  return out;
}

function toBytes(data: BufferSource): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** Builds a virtual reader from a corpus entry (see `VirtualReaderOptions`). */
export function createVirtualReader(options: VirtualReaderOptions): VirtualReader {
  return new VirtualReader(options);
}
