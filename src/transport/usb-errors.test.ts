/**
 * DOMException names → transport error codes (WebUSB §6, Chromium's usb_device.cc rejections), and the
 * navigator.usb wrappers over a fake `USB` object.
 */
import { describe, expect, it } from 'vitest';
import type { UsbFailureContext } from '../ccid/reader-usb';
import { mapUsbError } from './usb-errors';
import {
  CCID_USB_FILTERS,
  listGrantedReaders,
  looksLikeCcidReader,
  onReaderConnectionChange,
  requestReader,
  type UsbLike,
} from './webusb-ccid';

const ctx = (operation: UsbFailureContext['operation'], extra: Partial<UsbFailureContext> = {}): UsbFailureContext => ({
  operation,
  vendorId: 0x04e6,
  productId: 0x5790,
  ...extra,
});

describe('mapUsbError', () => {
  it.each([
    ['SecurityError', ctx('claimInterface', { interfaceClass: 0x0b }), 'PROTECTED_CLASS'],
    ['SecurityError', ctx('open', { vendorId: 0x1050 }), 'BLOCKLISTED'],
    ['SecurityError', ctx('claimInterface', { interfaceClass: 0xff }), 'BLOCKLISTED'],
    ['NotAllowedError', ctx('open'), 'PERMISSION_DENIED'],
    ['NetworkError', ctx('transferIn'), 'DISCONNECTED'],
    ['NotFoundError', ctx('transferOut'), 'DISCONNECTED'],
    ['NetworkError', ctx('claimInterface', { interfaceClass: 0x0b }), 'BUSY'],
    ['InvalidStateError', ctx('claimInterface'), 'BUSY'],
    ['AbortError', ctx('transferIn'), 'DISCONNECTED'],
    ['DataError', ctx('controlTransferIn'), 'USB_ERROR'],
  ])('%s during %o → %s', (name, context, code) => {
    const cause = new DOMException('whatever Chrome says', name);
    const e = mapUsbError(cause, context);
    expect(e).toMatchObject({ name: 'AppError', layer: 'transport', code, cause });
    expect(e.message).not.toMatch(/whatever/);
  });

  it('maps by name, not by message', () => {
    const e = mapUsbError(
      new DOMException('The requested interface implements a protected class.', 'NetworkError'),
      ctx('transferIn'),
    );
    expect(e).toMatchObject({ code: 'DISCONNECTED' });
  });
});

/** A fake `navigator.usb`: the outside boundary of the adapter. */
function fakeUsb(devices: USBDevice[], choose: () => Promise<USBDevice>) {
  const listeners = new Map<string, Set<(e: USBConnectionEvent) => void>>();
  const usb: UsbLike & { fire(type: 'connect' | 'disconnect', device: USBDevice): void; filters?: USBDeviceFilter[] } =
    {
      getDevices: async () => devices,
      requestDevice: async (options) => {
        usb.filters = options.filters;
        return choose();
      },
      addEventListener: (type, l) => void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(l),
      removeEventListener: (type, l) => void listeners.get(type)?.delete(l),
      fire: (type, device) => listeners.get(type)?.forEach((l) => l({ type, device } as USBConnectionEvent)),
    };
  return usb;
}

const device = (vendorId: number, productId: number, deviceClass: number, interfaceClass: number) =>
  ({
    vendorId,
    productId,
    deviceClass,
    configurations: [{ interfaces: [{ alternates: [{ interfaceClass }] }] }],
  }) as unknown as USBDevice;

describe('navigator.usb wrappers', () => {
  const ccid = device(0x04e6, 0x5790, 0, 0x0b);
  const vendorReader = device(0x04e6, 0xe003, 0, 0xff);
  const mouse = device(0x046d, 0xc077, 0, 0x03);

  it('recognises class 0x0B devices and the listed vendor-class readers', () => {
    expect([ccid, vendorReader, mouse].map(looksLikeCcidReader)).toEqual([true, true, false]);
    expect(CCID_USB_FILTERS).toHaveLength(22);
  });

  it('lists only granted readers and reports their connection changes', async () => {
    const usb = fakeUsb([ccid, mouse, vendorReader], async () => ccid);
    expect(await listGrantedReaders(usb)).toEqual([ccid, vendorReader]);
    const seen: string[] = [];
    const stop = onReaderConnectionChange((e) => seen.push(`${e.type} ${e.device.productId.toString(16)}`), usb);
    usb.fire('connect', vendorReader);
    usb.fire('connect', mouse);
    usb.fire('disconnect', ccid);
    stop();
    usb.fire('connect', ccid);
    expect(seen).toEqual(['connect e003', 'disconnect 5790']);
  });

  it('requestReader passes the filters and maps a dismissed chooser to NO_DEVICE_CHOSEN', async () => {
    const usb = fakeUsb([], async () => ccid);
    expect(await requestReader(usb)).toBe(ccid);
    expect(usb.filters?.[0]).toEqual({ classCode: 0x0b });
    const dismissed = fakeUsb([], async () => Promise.reject(new DOMException('No device selected.', 'NotFoundError')));
    await expect(requestReader(dismissed)).rejects.toMatchObject({ layer: 'transport', code: 'NO_DEVICE_CHOSEN' });
    const denied = fakeUsb([], async () => Promise.reject(new DOMException('Denied', 'NotAllowedError')));
    await expect(requestReader(denied)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('without WebUSB → WEBUSB_UNAVAILABLE', async () => {
    await expect(listGrantedReaders()).rejects.toMatchObject({ code: 'WEBUSB_UNAVAILABLE' });
  });
});
