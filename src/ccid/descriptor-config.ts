/**
 * Discovery: read the raw configuration descriptor (USB 2.0 §9.4.3 GET_DESCRIPTOR) and find the CCID
 * interface, its endpoints and its class descriptor. WebUSB exposes interfaces and endpoints but no
 * class-specific descriptors, so the bytes are walked here (USB 2.0 §9.6.3, §9.6.5, §9.6.6).
 */
import { AppError } from '../app-error';
import {
  CCID_DESCRIPTOR_LENGTH,
  CCID_DESCRIPTOR_TYPE,
  VENDOR_CCID_DESCRIPTOR_TYPE,
  parseCcidDescriptor,
  u16le,
  type CcidDescriptor,
} from './descriptor';
import { bytesOf, type UsbDeviceLike } from './reader-usb';

/** USB descriptor types (USB 2.0 §9.4, Table 9-5). */
export const USB_DESCRIPTOR = { DEVICE: 0x01, CONFIGURATION: 0x02, INTERFACE: 0x04, ENDPOINT: 0x05 } as const;
/** Standard request codes (USB 2.0 §9.4, Table 9-4). */
export const USB_REQUEST = { GET_DESCRIPTOR: 0x06 } as const;
/** Interface classes that can carry CCID: Smart Card (CCID rev 1.1 §4.3) and vendor-specific. */
export const INTERFACE_CLASS = { SMART_CARD: 0x0b, VENDOR: 0xff } as const;
/** Endpoint transfer types, bmAttributes bits 1..0 (USB 2.0 §9.6.6). */
const TRANSFER_TYPE = { BULK: 2, INTERRUPT: 3 } as const;

/** One endpoint of the CCID interface. `number` is what WebUSB's transferIn/Out take (address & 0x0F). */
export interface CcidEndpoint {
  readonly number: number;
  readonly maxPacketSize: number;
}

/** The CCID interface found in a configuration descriptor. */
export interface CcidInterface {
  readonly configurationValue: number;
  readonly interfaceNumber: number;
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly bulkIn: CcidEndpoint | null;
  readonly bulkOut: CcidEndpoint | null;
  readonly interruptIn: CcidEndpoint | null;
  readonly descriptor: CcidDescriptor;
}

interface InterfaceDraft {
  number: number;
  alt: number;
  cls: number;
  bulkIn: CcidEndpoint | null;
  bulkOut: CcidEndpoint | null;
  interruptIn: CcidEndpoint | null;
  classDescriptor: Uint8Array | null;
}

function badConfig(message: string): AppError {
  return new AppError('ccid', 'BAD_DESCRIPTOR', message);
}

/** Records one endpoint descriptor (USB 2.0 §9.6.6: bEndpointAddress @2, bmAttributes @3, wMaxPacketSize @4). */
function addEndpoint(draft: InterfaceDraft, d: Uint8Array): void {
  const address = d[2]!;
  const type = d[3]! & 0x03;
  const ep = { number: address & 0x0f, maxPacketSize: u16le(d, 4) & 0x07ff };
  const isIn = (address & 0x80) !== 0;
  if (type === TRANSFER_TYPE.BULK && isIn) draft.bulkIn ??= ep;
  else if (type === TRANSFER_TYPE.BULK) draft.bulkOut ??= ep;
  else if (type === TRANSFER_TYPE.INTERRUPT && isIn) draft.interruptIn ??= ep;
}

/** Splits a configuration descriptor into per-interface drafts (USB 2.0 §9.6.3: descriptors follow in order). */
function walkInterfaces(config: Uint8Array): InterfaceDraft[] {
  const drafts: InterfaceDraft[] = [];
  let current: InterfaceDraft | null = null;
  for (let o = 0; o < config.length;) {
    const length = config[o]!;
    if (length < 2 || o + length > config.length)
      throw badConfig(`Descriptor at offset ${o} overruns the configuration`);
    const d = config.subarray(o, o + length);
    const type = d[1]!;
    if (type === USB_DESCRIPTOR.INTERFACE && length >= 9) {
      // Interface descriptor (USB 2.0 §9.6.5): bInterfaceNumber @2, bAlternateSetting @3, bInterfaceClass @5.
      current = {
        number: d[2]!,
        alt: d[3]!,
        cls: d[5]!,
        bulkIn: null,
        bulkOut: null,
        interruptIn: null,
        classDescriptor: null,
      };
      drafts.push(current);
    } else if (current && type === USB_DESCRIPTOR.ENDPOINT && length >= 7) {
      addEndpoint(current, d);
    } else if (
      current &&
      (type === CCID_DESCRIPTOR_TYPE || type === VENDOR_CCID_DESCRIPTOR_TYPE) &&
      length === CCID_DESCRIPTOR_LENGTH
    ) {
      // Some readers place the class descriptor after the endpoints; it belongs to the interface either way.
      current.classDescriptor = d.slice();
    }
    o += length;
  }
  return drafts;
}

/**
 * Finds the CCID interface in a configuration descriptor: class 0x0B, or class 0xFF carrying a 54-byte
 * functional descriptor (type 0x21, or 0xFF on a few vendor-class readers). Throws `AppError('ccid', 'NOT_A_CCID_READER')` when there is none.
 */
export function findCcidInterface(config: Uint8Array): CcidInterface {
  if (config.length < 9 || config[1] !== USB_DESCRIPTOR.CONFIGURATION)
    throw badConfig('Not a configuration descriptor');
  const configurationValue = config[5]!; // bConfigurationValue @5 (USB 2.0 §9.6.3)
  const total = Math.min(u16le(config, 2), config.length); // wTotalLength @2
  const match = walkInterfaces(config.subarray(0, total)).find(
    (d) => d.classDescriptor !== null && (d.cls === INTERFACE_CLASS.SMART_CARD || d.cls === INTERFACE_CLASS.VENDOR),
  );
  if (!match || !match.classDescriptor) {
    throw new AppError('ccid', 'NOT_A_CCID_READER', 'The device has no CCID interface with a class descriptor');
  }
  return {
    configurationValue,
    interfaceNumber: match.number,
    alternateSetting: match.alt,
    interfaceClass: match.cls,
    bulkIn: match.bulkIn,
    bulkOut: match.bulkOut,
    interruptIn: match.interruptIn,
    descriptor: parseCcidDescriptor(match.classDescriptor),
  };
}

/** GET_DESCRIPTOR(CONFIGURATION, index) to the device (USB 2.0 §9.4.3). */
async function getConfigurationDescriptor(device: UsbDeviceLike, index: number, length: number): Promise<Uint8Array> {
  const result = await device.controlTransferIn(
    {
      requestType: 'standard',
      recipient: 'device',
      request: USB_REQUEST.GET_DESCRIPTOR,
      value: (USB_DESCRIPTOR.CONFIGURATION << 8) | index,
      index: 0,
    },
    length,
  );
  if (result.status !== 'ok') throw badConfig(`GET_DESCRIPTOR(CONFIGURATION) ended with status ${result.status}`);
  return bytesOf(result);
}

/**
 * Reads the first configuration descriptor in full: the 9-byte header first for wTotalLength, then the
 * whole set. The device must be open.
 */
export async function readConfigurationDescriptor(device: UsbDeviceLike): Promise<Uint8Array> {
  const head = await getConfigurationDescriptor(device, 0, 9);
  if (head.length < 4) throw badConfig('Short configuration descriptor header');
  return getConfigurationDescriptor(device, 0, u16le(head, 2));
}
