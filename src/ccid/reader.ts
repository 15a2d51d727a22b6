/**
 * A CCID reader over a WebUSB-shaped device: discovery, claim, slots, and card insert/remove events from
 * the interrupt endpoint (CCID rev 1.1 §5, §6.3). Byte layouts live in messages*.ts; the bulk pipe's
 * sequencing in reader-pipe.ts; per-slot exchanges in slot*.ts.
 */
import { AppError, isAppError } from '../app-error';
import {
  findCcidInterface,
  readConfigurationDescriptor,
  type CcidEndpoint,
  type CcidInterface,
} from './descriptor-config';
import type { CcidDescriptor } from './descriptor';
import { parseNotification } from './messages-reply';
import { BulkPipe, CCID_REQUEST } from './reader-pipe';
import { bytesOf, type UsbDeviceLike, type UsbErrorMapper, type UsbFailureContext } from './reader-usb';
import { CcidSlot } from './slot';

/** How long each slot may take to answer GetSlotStatus while opening. */
const OPEN_STATUS_TIMEOUT_MS = 5000;

/** A card was inserted or removed (NotifySlotChange §6.3.1). */
export interface SlotChangeEvent {
  readonly slot: number;
  readonly present: boolean;
}

/** Options for `openCcidReader`. */
export interface CcidReaderOptions {
  /** Turns a rejected USB call into an error; the WebUSB adapter maps DOMException names here. */
  readonly mapUsbError?: UsbErrorMapper;
  /** Longest silence from the reader while a command is outstanding (default 30 s). */
  readonly silenceTimeoutMs?: number;
}

/** The default mapping, used without an adapter: wrap the rejection, keep it as the cause. */
function defaultUsbError(error: unknown, context: UsbFailureContext): Error {
  if (isAppError(error)) return error;
  return new AppError(
    'ccid',
    'USB_TRANSFER_FAILED',
    `USB ${context.operation} failed`,
    { operation: context.operation },
    { cause: error },
  );
}

/** An open CCID reader with its claimed interface. */
export class CcidReader {
  readonly slots: readonly CcidSlot[];
  private readonly listeners = new Set<(event: SlotChangeEvent) => void>();
  private closed = false;

  /** @internal use `openCcidReader`. */
  constructor(
    readonly device: UsbDeviceLike,
    readonly usbInterface: CcidInterface,
    readonly pipe: BulkPipe,
    rates: { dataRates: readonly number[]; clocksKhz: readonly number[] },
    private readonly usbError: (e: unknown, op: UsbFailureContext['operation']) => Error,
  ) {
    const d = usbInterface.descriptor;
    this.slots = Array.from({ length: d.maxSlotIndex + 1 }, (_, i) => new CcidSlot(pipe, i, d, rates));
  }

  /** The parsed CCID class descriptor. */
  get descriptor(): CcidDescriptor {
    return this.usbInterface.descriptor;
  }

  /** A name a person recognises, e.g. "Identiv uTrust 3700 F". */
  get name(): string {
    const product =
      this.device.productName || `USB reader ${hex4(this.device.vendorId)}:${hex4(this.device.productId)}`;
    return this.device.manufacturerName && !product.startsWith(this.device.manufacturerName)
      ? `${this.device.manufacturerName} ${product}`
      : product;
  }

  /** Subscribes to card insert/remove events; returns the unsubscribe function. */
  onSlotChange(listener: (event: SlotChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal records a presence change and tells the listeners. */
  notify(slot: number, present: boolean): void {
    const s = this.slots[slot];
    if (!s) return;
    if (present) s.present = true;
    else s.cardRemoved();
    for (const listener of this.listeners) listener({ slot, present });
  }

  /** @internal reads NotifySlotChange messages until the reader closes (§6.3.1). */
  async watchInterrupts(): Promise<void> {
    const ep = this.usbInterface.interruptIn;
    if (!ep) return;
    while (!this.closed) {
      let bytes: Uint8Array;
      try {
        const result = await this.device.transferIn(ep.number, Math.max(ep.maxPacketSize, 8));
        if (result.status === 'stall') await this.device.clearHalt('in', ep.number);
        bytes = bytesOf(result);
      } catch {
        return; // Closed or unplugged: the bulk pipe reports the failure to whoever is exchanging.
      }
      this.handleInterrupt(bytes);
    }
  }

  private handleInterrupt(bytes: Uint8Array): void {
    let n;
    try {
      n = parseNotification(bytes);
    } catch {
      return; // Not a message we understand; readers may send vendor interrupts.
    }
    if (n.type !== 'NotifySlotChange') return;
    n.slots.forEach((s, i) => {
      if (i < this.slots.length && s.changed) this.notify(i, s.present);
    });
  }

  /** Releases the interface and closes the device. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.device.releaseInterface(this.usbInterface.interfaceNumber);
      await this.device.close();
    } catch (e) {
      if (!isAppError(e)) throw this.usbError(e, 'close');
      throw e;
    }
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** Calls `work`, mapping a rejection through the adapter's mapper. */
async function usbCall<T>(work: () => Promise<T>, map: (e: unknown) => Error): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw map(e);
  }
}

/** Discovery before the claim: refuses character level and control-only readers (no bulk pipe). */
function checkUsable(
  device: UsbDeviceLike,
  usbInterface: CcidInterface,
): { bulkIn: CcidEndpoint; bulkOut: CcidEndpoint } {
  if (usbInterface.descriptor.exchangeLevel === 'character') {
    throw new AppError(
      'ccid',
      'CHARACTER_LEVEL_UNSUPPORTED',
      'This reader only offers character-level exchanges, which Keyward does not support; use a TPDU or APDU-level reader',
      {
        vendorId: device.vendorId,
        productId: device.productId,
      },
    );
  }
  const { bulkIn, bulkOut } = usbInterface;
  if (!bulkIn || !bulkOut) {
    throw new AppError(
      'ccid',
      'NO_BULK_ENDPOINTS',
      'This reader has no bulk endpoints (control-only CCID), which Keyward does not support',
    );
  }
  return { bulkIn, bulkOut };
}

/**
 * Opens a CCID reader: reads and walks the configuration descriptor, refuses character level and readers
 * without bulk endpoints, selects the configuration, claims the interface, reads the clock/data-rate
 * lists (§5.3.2, §5.3.3), starts watching the interrupt endpoint and asks each slot for its status.
 * On failure the device is closed again.
 */
export async function openCcidReader(device: UsbDeviceLike, options: CcidReaderOptions = {}): Promise<CcidReader> {
  const mapper = options.mapUsbError ?? defaultUsbError;
  // The interface class becomes known after discovery; errors before that are reported without it.
  const known: { interfaceClass?: number } = {};
  const usbError = (e: unknown, operation: UsbFailureContext['operation']): Error =>
    isAppError(e) ? e : mapper(e, { operation, vendorId: device.vendorId, productId: device.productId, ...known });
  if (!device.opened)
    await usbCall(
      () => device.open(),
      (e) => usbError(e, 'open'),
    );
  try {
    const usbInterface = findCcidInterface(
      await usbCall(
        () => readConfigurationDescriptor(device),
        (e) => usbError(e, 'controlTransferIn'),
      ),
    );
    known.interfaceClass = usbInterface.interfaceClass;
    const { bulkIn, bulkOut } = checkUsable(device, usbInterface);
    const d = usbInterface.descriptor;
    if (device.configuration?.configurationValue !== usbInterface.configurationValue) {
      await usbCall(
        () => device.selectConfiguration(usbInterface.configurationValue),
        (e) => usbError(e, 'selectConfiguration'),
      );
    }
    await usbCall(
      () => device.claimInterface(usbInterface.interfaceNumber),
      (e) => usbError(e, 'claimInterface'),
    );
    const pipe = new BulkPipe({
      device,
      interfaceNumber: usbInterface.interfaceNumber,
      bulkIn,
      bulkOut,
      maxMessageLength: d.maxMessageLength,
      usbError,
      ...(options.silenceTimeoutMs === undefined ? {} : { silenceTimeoutMs: options.silenceTimeoutMs }),
    });
    const rates = {
      clocksKhz: await pipe.readDwordList(CCID_REQUEST.GET_CLOCK_FREQUENCIES, d.numClocksSupported),
      dataRates: await pipe.readDwordList(CCID_REQUEST.GET_DATA_RATES, d.numDataRatesSupported),
    };
    const reader = new CcidReader(device, usbInterface, pipe, rates, usbError);
    void reader.watchInterrupts();
    for (const slot of reader.slots) await slot.getStatus(AbortSignal.timeout(OPEN_STATUS_TIMEOUT_MS));
    return reader;
  } catch (e) {
    await device.close().catch(() => undefined);
    throw e;
  }
}
