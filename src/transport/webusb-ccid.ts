/**
 * The `webusb-ccid` backend: Keyward's CCID driver (src/ccid/) over WebUSB. This is the one file that
 * touches `navigator.usb`; every browser refusal becomes an `AppError('transport', code)` (usb-errors.ts).
 *
 * Chrome lets an ordinary page claim only vendor-class (0xFF) CCID interfaces; Smart Card class (0x0B)
 * interfaces and YubiKeys need the installed Isolated Web App with `usb-unrestricted`.
 */
import { AppError, isAppError } from '../app-error';
import { openCcidReader, type CcidReader } from '../ccid/reader';
import type { UsbDeviceLike } from '../ccid/reader-usb';
import { pinPadOperations, secureAbData } from '../ccid/pin-pad';
import type { CardSession } from '../ccid/slot';
import type { CardTransport, PinPad, TransportCapabilities } from './card-transport';
import { mapUsbError, usbError } from './usb-errors';

/**
 * requestDevice filters: any Smart Card class device or interface (CCID rev 1.1 §4.3), plus the readers
 * whose CCID interface is vendor class 0xFF in test/fixtures/ccid-readers.json (LudovicRousseau/CCID).
 */
export const CCID_USB_FILTERS: readonly USBDeviceFilter[] = [
  { classCode: 0x0b },
  { vendorId: 0x046a, productId: 0x003e }, // SmartTerminal ST-2xxx
  { vendorId: 0x1db2, productId: 0x0600 }, // DE-ABCM6
  { vendorId: 0x1db2, productId: 0x0604 }, // DRAGON BT
  { vendorId: 0x413c, productId: 0x2100 }, // Dell USB Smartcard Keyboard
  { vendorId: 0x08e6, productId: 0x2202 }, // Gem e-Seal Pro USB Token
  { vendorId: 0x076b, productId: 0x5340 }, // Smart Card Reader USB
  { vendorId: 0x09be, productId: 0x0002 }, // MySMART PAD V2.0
  { vendorId: 0x076b, productId: 0x532a }, // Smart Card Reader USB
  { vendorId: 0x0c4b, productId: 0x0300 }, // cyberJack pinpad(a)
  { vendorId: 0x0c4b, productId: 0x0500 }, // cyberJack RFID standard
  { vendorId: 0x04e6, productId: 0x5291 }, // SCL010 Contactless Reader
  { vendorId: 0x04e6, productId: 0x5292 }, // SCL01x Contactless Reader
  { vendorId: 0x04e6, productId: 0x512b }, // SDI011 Contactless Reader
  { vendorId: 0x04e6, productId: 0x512c }, // SDI011 Contactless Reader
  { vendorId: 0x04e6, productId: 0x5120 }, // SCR331-DI USB Smart Card Reader
  { vendorId: 0x04e6, productId: 0x5111 }, // SCR331-DI USB Smart Card Reader
  { vendorId: 0x04e6, productId: 0x511a }, // SCR3310-NTTCom USB SmartCard Reader
  { vendorId: 0x04e6, productId: 0x5121 }, // SDI010 Smart Card Reader
  { vendorId: 0x04e6, productId: 0xe003 }, // SPRx32 USB Smart Card Reader
  { vendorId: 0x08e6, productId: 0x1359 }, // Token GEM USB COMBI-M
  { vendorId: 0x08e6, productId: 0xace0 }, // Token GEM USB COMBI
];

/** The part of `navigator.usb` used here (WebUSB §5). */
export interface UsbLike {
  getDevices(): Promise<USBDevice[]>;
  requestDevice(options: USBDeviceRequestOptions): Promise<USBDevice>;
  addEventListener(type: 'connect' | 'disconnect', listener: (event: USBConnectionEvent) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (event: USBConnectionEvent) => void): void;
}

function browserUsb(): UsbLike {
  const usb = (globalThis as { navigator?: { usb?: UsbLike } }).navigator?.usb;
  if (!usb) throw usbError('WEBUSB_UNAVAILABLE');
  return usb;
}

/** True when `device` matches one of `CCID_USB_FILTERS` (device class, an interface class, or a listed id). */
export function looksLikeCcidReader(device: USBDevice): boolean {
  const classes = new Set<number>([device.deviceClass]);
  for (const c of device.configurations ?? [])
    for (const i of c.interfaces) for (const a of i.alternates) classes.add(a.interfaceClass);
  return CCID_USB_FILTERS.some((f) =>
    f.classCode !== undefined
      ? classes.has(f.classCode)
      : f.vendorId === device.vendorId && f.productId === device.productId,
  );
}

/** Asks the person to choose a reader (needs a user gesture). NotFoundError → `NO_DEVICE_CHOSEN`. */
export async function requestReader(usb: UsbLike = browserUsb()): Promise<USBDevice> {
  try {
    return await usb.requestDevice({ filters: [...CCID_USB_FILTERS] });
  } catch (e) {
    const name = (e as Error | undefined)?.name;
    if (name === 'NotFoundError') throw usbError('NO_DEVICE_CHOSEN', {}, e);
    if (name === 'NotAllowedError' || name === 'SecurityError')
      throw usbError('PERMISSION_DENIED', { domException: name }, e);
    throw usbError('USB_ERROR', { domException: name }, e);
  }
}

/** Readers this origin was already granted, without prompting. */
export async function listGrantedReaders(usb: UsbLike = browserUsb()): Promise<USBDevice[]> {
  return (await usb.getDevices()).filter(looksLikeCcidReader);
}

/** Calls `listener` when a granted reader is plugged in or out; returns the unsubscribe function. */
export function onReaderConnectionChange(
  listener: (event: { readonly type: 'connect' | 'disconnect'; readonly device: USBDevice }) => void,
  usb: UsbLike = browserUsb(),
): () => void {
  const handle = (event: USBConnectionEvent): void => {
    if (looksLikeCcidReader(event.device))
      listener({ type: event.type as 'connect' | 'disconnect', device: event.device });
  };
  usb.addEventListener('connect', handle);
  usb.addEventListener('disconnect', handle);
  return () => {
    usb.removeEventListener('connect', handle);
    usb.removeEventListener('disconnect', handle);
  };
}

/** Options for `openCcidTransport`. */
export interface CcidTransportOptions {
  readonly slot?: number;
  readonly signal?: AbortSignal;
  readonly preferProtocol?: 0 | 1;
  /** `'simulator'` when the device is the virtual reader. */
  readonly kind?: 'webusb-ccid' | 'simulator';
}

/** A `CardTransport` over one powered slot of a CCID reader. */
export class CcidCardTransport implements CardTransport {
  readonly readerName: string;
  /** The reader's keypad, where it has one and runs the protocol itself (APDU levels). */
  readonly pinPad?: PinPad;
  private closed = false;

  /** @internal use `openCcidTransport` or `connectCcidSlot`. */
  constructor(
    readonly kind: 'webusb-ccid' | 'simulator',
    readonly reader: CcidReader,
    readonly slot: number,
    private readonly session: CardSession,
    private readonly ownsReader: boolean,
  ) {
    this.readerName = `${reader.name} (slot ${slot})`;
    const enterPin = session.enterPin?.bind(session);
    if (enterPin) {
      const descriptor = reader.descriptor;
      this.pinPad = {
        ...pinPadOperations(descriptor),
        enterPin: (command, options = {}) => {
          if (this.closed) return Promise.reject(usbError('DISCONNECTED', { reason: 'closed' }));
          return enterPin(secureAbData(descriptor, command), options).catch((e: unknown) => {
            // The page's Cancel aborts the Secure (CCID rev 1.1 §5.3.1): for the person, the entry was cancelled.
            if (options.signal?.aborted)
              throw new AppError(
                'transport',
                'PIN_CANCELLED',
                'The PIN entry was cancelled in the page',
                {},
                { cause: e },
              );
            return rethrowAtSeam(e);
          });
        },
      };
    }
  }

  get atr(): Uint8Array {
    return this.session.atr;
  }

  get capabilities(): TransportCapabilities {
    return this.session.capabilities;
  }

  /** The ISO 7816-3 protocol the driver runs at TPDU level; null when the reader runs it (APDU levels). */
  get protocol(): 0 | 1 | null {
    return this.session.protocol;
  }

  /** Sends one command APDU; errors are `AppError`s of layer 'ccid' or 'transport'. */
  transmit(command: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(usbError('DISCONNECTED', { reason: 'closed' }));
    return this.session.transmit(command, options).catch(rethrowAtSeam);
  }

  /** Powers the card off and, when this transport opened the reader, releases it. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.reader.slots[this.slot]!.powerOff(AbortSignal.timeout(2000));
    } catch (e) {
      // A removed card or unplugged reader cannot be powered off; closing still succeeds.
      if (!isAppError(e)) throw e;
    }
    if (this.ownsReader) await this.reader.close().catch(() => undefined);
  }
}

/**
 * The driver's `ccid/NO_CARD` leaves this seam as `transport/NO_CARD`, the one "no card in the reader"
 * code of every backend (the PC/SC bridge sends the same), and the keypad's timeout and cancel as
 * `transport/PIN_TIMEOUT` / `PIN_CANCELLED`; the driver's error stays as the cause.
 */
function rethrowAtSeam(e: unknown): never {
  if (!isAppError(e, 'ccid')) throw e;
  const why = { cause: e };
  if (e.code === 'NO_CARD') throw new AppError('transport', 'NO_CARD', e.message, e.fields, why);
  if (e.code === 'PIN_TIMEOUT') throw new AppError('transport', 'PIN_TIMEOUT', e.message, e.fields, why);
  if (e.code === 'PIN_CANCELLED') throw new AppError('transport', 'PIN_CANCELLED', e.message, e.fields, why);
  throw e;
}

function powerSlot(reader: CcidReader, options: CcidTransportOptions): Promise<CardSession> {
  const slot = reader.slots[options.slot ?? 0];
  if (!slot) throw usbError('USB_ERROR', { slot: options.slot, reason: 'no such slot' });
  return slot
    .powerOn({
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.preferProtocol === undefined ? {} : { preferProtocol: options.preferProtocol }),
    })
    .catch(rethrowAtSeam);
}

/** Powers the card in `slot` of an already open reader; closing the transport leaves the reader open. */
export async function connectCcidSlot(
  reader: CcidReader,
  options: CcidTransportOptions = {},
): Promise<CcidCardTransport> {
  const session = await powerSlot(reader, options);
  return new CcidCardTransport(options.kind ?? 'webusb-ccid', reader, options.slot ?? 0, session, false);
}

/** Opens `device` as a CCID reader, powers the card and returns a transport that owns the reader. */
export async function openCcidTransport(
  device: UsbDeviceLike,
  options: CcidTransportOptions = {},
): Promise<CcidCardTransport> {
  const reader = await openCcidReader(device, { mapUsbError });
  try {
    const session = await powerSlot(reader, options);
    return new CcidCardTransport(options.kind ?? 'webusb-ccid', reader, options.slot ?? 0, session, true);
  } catch (e) {
    await reader.close().catch(() => undefined);
    throw e;
  }
}

/** Opens a reader with the WebUSB error mapping, for callers that manage slots themselves. */
export function openWebUsbReader(device: UsbDeviceLike): Promise<CcidReader> {
  return openCcidReader(device, { mapUsbError });
}
