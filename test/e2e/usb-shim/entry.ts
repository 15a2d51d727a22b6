/**
 * A `navigator.usb` stand-in for end-to-end tests: the fake USBDevices are virtual CCID readers (the
 * simulator, built from real corpus descriptors) holding virtual PIV cards, so the app's real WebUSB
 * driver runs in the browser. Built to an IIFE by global-setup.ts and installed with `addInitScript`,
 * after a small script that sets `window.__keywardUsbShim` (see fixtures.ts).
 */
import { createVirtualReader, type VirtualReader } from '../../../src/simulator/virtual-reader';
import {
  createVirtualPivCard,
  type PivCardProfileName,
  type VirtualPivCard,
} from '../../../src/simulator/piv-card/virtual-piv-card';
import type { CorpusReaderEntry } from '../../../src/simulator/virtual-usb-descriptors';

/** What a test asks for. */
export interface UsbShimConfig {
  readonly readers: readonly {
    readonly entry: CorpusReaderEntry;
    readonly card: PivCardProfileName | null;
    /** What GET SERIAL answers (the card's default when absent; 0 for a card without a usable serial). */
    readonly serial?: number;
    /** Behave as an Isolated Web App with usb-unrestricted would. */
    readonly unrestricted: boolean;
  }[];
  /** Index of the reader the person picks in Chrome's chooser; absent → they cancel. */
  readonly choose?: number;
}

type ShimDevice = VirtualReader & { deviceClass: number; configurations: unknown[] };

const config = (window as unknown as { __keywardUsbShim?: UsbShimConfig }).__keywardUsbShim ?? { readers: [] };

/**
 * Chrome lifts the protected-class and blocklist rules where `usb-unrestricted` is allowed (an Isolated Web
 * App granted it), so a shim reader in such a page is unrestricted whatever the test said.
 */
const unrestrictedHere = Boolean(
  (document as Document & { featurePolicy?: { allowsFeature(f: string): boolean } }).featurePolicy?.allowsFeature(
    'usb-unrestricted',
  ),
);

/**
 * Test controls, outside the app: each reader's card (a test stands for another program, or another
 * machine, using it between the app's operations) and every host→reader USB message as hex (the APDU
 * trace at the USB boundary). The keypad of a PIN-pad reader is `__keywardUsbDevices[i].keypad`.
 */
const cards: (VirtualPivCard | null)[] = [];
const wire: string[] = [];
const hex = (b: BufferSource) =>
  Array.from(ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b), (x) =>
    x.toString(16).padStart(2, '0'),
  ).join('');

const devices: ShimDevice[] = config.readers.map((r) => {
  const card = r.card
    ? createVirtualPivCard({ profile: r.card, ...(r.serial === undefined ? {} : { serial: r.serial }) })
    : null;
  cards.push(card);
  const reader = createVirtualReader({ entry: r.entry, card, unrestricted: r.unrestricted || unrestrictedHere });
  const out = reader.transferOut.bind(reader);
  reader.transferOut = (endpoint, data) => (wire.push(hex(data)), out(endpoint, data));
  // What Chrome's USBDevice also exposes and the reader filter looks at.
  const alternates = [{ interfaceClass: r.entry.interface.bInterfaceClass }];
  return Object.assign(reader, { deviceClass: 0, configurations: [{ interfaces: [{ alternates }] }] });
});
const granted = new Set<ShimDevice>();

const usb = {
  async getDevices() {
    return devices.filter((d) => granted.has(d));
  },
  async requestDevice() {
    const device = config.choose === undefined ? undefined : devices[config.choose];
    if (!device) throw new DOMException('No device selected.', 'NotFoundError');
    granted.add(device);
    return device;
  },
  addEventListener() {},
  removeEventListener() {},
};

Object.defineProperty(Navigator.prototype, 'usb', { configurable: true, get: () => usb });
Object.assign(window, { __keywardUsbDevices: devices, __keywardUsbCards: cards, __keywardUsbWire: wire });
