/**
 * The `webusb-ccid` reader backend: the USB readers this origin was granted, Chrome's chooser to add
 * one, and our CCID driver to open them. `navigator.usb` itself is touched only in webusb-ccid.ts.
 */
import { isAppError } from '../app-error';
import { openCcidReader } from './ccid-open-reader';
import type { OpenReader, ReaderBackend, ReaderInfo } from './reader-backend';
import { usbError } from './usb-errors';
import { listGrantedReaders, onReaderConnectionChange, requestReader, type UsbLike } from './webusb-ccid';

/** Readers over WebUSB; `usb` defaults to `navigator.usb` (absent → no readers, not an error). */
export class WebUsbReaderBackend implements ReaderBackend {
  readonly kind = 'webusb-ccid' as const;
  readonly title = 'USB reader';
  readonly #devices = new Map<string, USBDevice>();
  readonly #usb: UsbLike | undefined;
  #stops: (() => void)[] = [];

  constructor(usb?: UsbLike) {
    this.#usb = usb;
  }

  async listReaders(): Promise<ReaderInfo[]> {
    try {
      return (await listGrantedReaders(...this.#arg())).map((d, i) => this.#remember(d, i));
    } catch (e) {
      if (isAppError(e, 'transport', 'WEBUSB_UNAVAILABLE')) return [];
      throw e;
    }
  }

  watch(onChange: (readers: readonly ReaderInfo[]) => void): () => void {
    let stop: () => void;
    try {
      stop = onReaderConnectionChange(() => void this.listReaders().then(onChange, () => undefined), ...this.#arg());
    } catch {
      return () => undefined;
    }
    this.#stops.push(stop);
    return stop;
  }

  async request(): Promise<ReaderInfo> {
    return this.#remember(await requestReader(...this.#arg()), 0);
  }

  async open(id: string): Promise<OpenReader> {
    const device = this.#devices.get(id);
    if (!device) throw usbError('DISCONNECTED', { reason: 'unknown reader' });
    return openCcidReader(this.#info(device, id), device, { kind: 'webusb-ccid' });
  }

  async close(): Promise<void> {
    for (const stop of this.#stops.splice(0)) stop();
  }

  #arg(): [] | [UsbLike] {
    return this.#usb ? [this.#usb] : [];
  }

  #remember(device: USBDevice, index: number): ReaderInfo {
    const id = `usb:${device.vendorId}:${device.productId}:${device.serialNumber ?? index}`;
    this.#devices.set(id, device);
    return this.#info(device, id);
  }

  #info(device: USBDevice, id: string): ReaderInfo {
    const label = [device.manufacturerName, device.productName].filter(Boolean).join(' ') || 'USB smart-card reader';
    return { id, label, backend: this.kind, present: null };
  }
}
