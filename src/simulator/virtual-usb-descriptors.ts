import { fromHex } from '../bytes';

/**
 * Standard USB descriptors for a virtual reader built from a corpus entry (USB 2.0 §9.6): the device
 * descriptor, and a configuration holding the CCID interface, the entry's exact 54-byte class
 * descriptor (CCID rev 1.1 §5.1) and its endpoints.
 */

/** One reader of test/fixtures/ccid-readers.json (the fields the simulator needs). */
export interface CorpusReaderEntry {
  readonly idVendor: number;
  readonly idProduct: number;
  readonly product: string;
  readonly manufacturer?: string;
  readonly interface: {
    readonly bInterfaceClass: number;
    readonly bNumEndpoints: number;
    readonly bInterfaceSubClass?: number;
    readonly bInterfaceProtocol?: number;
  };
  /** The exact 54-byte CCID class descriptor, hex. */
  readonly descriptorHex: string;
}

/** Endpoint addresses the virtual reader uses (bit 7 = IN). */
export const SIM_ENDPOINT = { BULK_OUT: 0x01, BULK_IN: 0x82, INTERRUPT_IN: 0x83 } as const;
/** wMaxPacketSize of the bulk and interrupt endpoints: full-speed bulk maximum, 8-byte interrupt. */
export const SIM_PACKET = { BULK: 64, INTERRUPT: 8 } as const;

/** Device descriptor (USB 2.0 §9.6.1, Table 9-8): 18 bytes. */
export function deviceDescriptor(entry: CorpusReaderEntry): Uint8Array {
  const v = entry.idVendor;
  const p = entry.idProduct;
  // bLength, DEVICE, bcdUSB 2.00, class/subclass/protocol per interface, bMaxPacketSize0 64,
  // idVendor, idProduct, bcdDevice 1.00, iManufacturer 1, iProduct 2, iSerialNumber 0, 1 configuration.
  return Uint8Array.of(18, 0x01, 0x00, 0x02, 0, 0, 0, 64, v & 0xff, v >> 8, p & 0xff, p >> 8, 0x00, 0x01, 1, 2, 0, 1);
}

/** Endpoint descriptor (USB 2.0 §9.6.6, Table 9-13): address, bmAttributes (2 bulk, 3 interrupt), size, interval. */
function endpoint(address: number, attributes: number, maxPacket: number, interval: number): number[] {
  return [7, 0x05, address, attributes, maxPacket & 0xff, maxPacket >> 8, interval];
}

/** The endpoints an entry declares: 3 = bulk out, bulk in, interrupt in; 2 = bulk only; fewer = none usable. */
export function simEndpoints(entry: CorpusReaderEntry): { bulk: boolean; interrupt: boolean } {
  const n = entry.interface.bNumEndpoints;
  return { bulk: n >= 2, interrupt: n >= 3 };
}

/**
 * Configuration descriptor set (USB 2.0 §9.6.3, Table 9-10) with one interface (§9.6.5, Table 9-12),
 * the CCID class descriptor right after it (CCID rev 1.1 §5.1), then the endpoints.
 */
export function configurationDescriptor(entry: CorpusReaderEntry): Uint8Array {
  const { bulk, interrupt } = simEndpoints(entry);
  const endpoints: number[] = [];
  if (bulk)
    endpoints.push(
      ...endpoint(SIM_ENDPOINT.BULK_OUT, 2, SIM_PACKET.BULK, 0),
      ...endpoint(SIM_ENDPOINT.BULK_IN, 2, SIM_PACKET.BULK, 0),
    );
  if (interrupt) endpoints.push(...endpoint(SIM_ENDPOINT.INTERRUPT_IN, 3, SIM_PACKET.INTERRUPT, 16));
  const cls = fromHex(entry.descriptorHex);
  const i = entry.interface;
  const iface = [
    9,
    0x04,
    0,
    0,
    endpoints.length / 7,
    i.bInterfaceClass,
    i.bInterfaceSubClass ?? 0,
    i.bInterfaceProtocol ?? 0,
    0,
  ];
  const total = 9 + iface.length + cls.length + endpoints.length;
  // bLength, CONFIGURATION, wTotalLength, 1 interface, bConfigurationValue 1, iConfiguration 0, bus powered, 100 mA.
  const config = [9, 0x02, total & 0xff, total >> 8, 1, 1, 0, 0x80, 50];
  const out = new Uint8Array(total);
  out.set(config, 0);
  out.set(iface, 9);
  out.set(cls, 18);
  out.set(endpoints, 18 + cls.length);
  return out;
}
