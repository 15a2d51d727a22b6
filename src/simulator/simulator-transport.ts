/**
 * The `simulator` backend: a `CardTransport` whose path is the real WebUSB CCID driver → a virtual
 * `USBDevice` (virtual-reader.ts) → a virtual card. Used by tests and by the demo's "Virtual reader".
 */
import { openCcidTransport, type CcidCardTransport } from '../transport/webusb-ccid';
import { createVirtualReader, type VirtualReader, type VirtualReaderOptions } from './virtual-reader';
import type { CorpusReaderEntry } from './virtual-usb-descriptors';

/**
 * The default virtual reader: the class descriptor of an Identiv uTrust 3700 F (extended APDU level,
 * dwMaxCCIDMessageLength 1034, T=0/T=1) from test/fixtures/ccid-readers.json, shown as "Virtual reader".
 */
export const DEFAULT_VIRTUAL_READER_ENTRY: CorpusReaderEntry = {
  idVendor: 0x04e6,
  idProduct: 0x5790,
  manufacturer: 'Keyward',
  product: 'Virtual reader',
  interface: { bInterfaceClass: 0x0b, bNumEndpoints: 3 },
  descriptorHex:
    '36211001000103000000c0120000e02e00000067320000e74c060000000400000000000001000000be0404000a040000ffff00000001',
};

/** A simulator transport, with its virtual reader for inserting/removing cards and injecting faults. */
export interface SimulatorTransport extends CcidCardTransport {
  readonly virtualReader: VirtualReader;
}

/** Options: those of `createVirtualReader` (entry defaults to the virtual uTrust), plus the slot. */
export type SimulatorTransportOptions = Partial<Pick<VirtualReaderOptions, 'entry'>> &
  Omit<VirtualReaderOptions, 'entry'> & { readonly slot?: number; readonly preferProtocol?: 0 | 1 };

/**
 * Builds a virtual reader holding `options.card` and connects to it through the real driver. The
 * reader is `unrestricted` unless told otherwise: it stands for a reader the installed app may use.
 */
export async function createSimulatorTransport(options: SimulatorTransportOptions): Promise<SimulatorTransport> {
  const virtualReader = createVirtualReader({
    unrestricted: true,
    ...options,
    entry: options.entry ?? DEFAULT_VIRTUAL_READER_ENTRY,
  });
  const transport = await openCcidTransport(virtualReader, {
    kind: 'simulator',
    ...(options.slot === undefined ? {} : { slot: options.slot }),
    ...(options.preferProtocol === undefined ? {} : { preferProtocol: options.preferProtocol }),
  });
  return Object.assign(transport, { virtualReader });
}
