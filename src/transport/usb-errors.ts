/**
 * Browser refusals from WebUSB, mapped by `DOMException.name` (never by message text) to
 * `AppError('transport', code)` with the facts as fields. Used by webusb-ccid.ts. What a person reads
 * about them (why a reader cannot be opened, and what to do) is describeError's (src/ui/errors/usb.ts).
 */
import { AppError, isAppError } from '../app-error';
import type { UsbFailureContext } from '../ccid/reader-usb';
import { onChromeOs } from './platform';

/** Codes of the transport layer's USB errors. */
export type UsbErrorCode =
  | 'PROTECTED_CLASS'
  | 'BLOCKLISTED'
  | 'NO_DEVICE_CHOSEN'
  | 'PERMISSION_DENIED'
  | 'DISCONNECTED'
  | 'BUSY'
  | 'WEBUSB_UNAVAILABLE'
  | 'USB_ERROR';

/** YubiKeys' USB vendor id; Chrome's WebUSB blocklist covers them. */
export const YUBICO_VENDOR_ID = 0x1050;
/** bInterfaceClass of Smart Card (CCID) interfaces, which WebUSB protects. */
const SMART_CARD_CLASS = 0x0b;

/** Builds the transport error for `code`, keeping the browser's error as the cause. */
export function usbError(
  code: UsbErrorCode,
  fields: Record<string, unknown> = {},
  cause?: unknown,
): AppError<UsbErrorCode> {
  const during = typeof fields.operation === 'string' ? ` during ${fields.operation}` : '';
  const name = typeof fields.domException === 'string' ? ` (${fields.domException})` : '';
  return new AppError('transport', code, `WebUSB failed${during}${name}: ${code}`, fields, { cause });
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException)
    ? (error as Error).name
    : undefined;
}

/** Picks the code for a rejected USB call from the DOMException name and what was being done. */
function codeFor(name: string | undefined, c: UsbFailureContext): UsbErrorCode {
  const transfer = c.operation === 'transferIn' || c.operation === 'transferOut' || c.operation.startsWith('control');
  switch (name) {
    case 'SecurityError':
      // Only a Smart Card class interface is protected; any other SecurityError is Chrome's device blocklist.
      if (c.operation === 'claimInterface' && c.interfaceClass === SMART_CARD_CLASS) return 'PROTECTED_CLASS';
      return 'BLOCKLISTED';
    case 'NotAllowedError':
      return 'PERMISSION_DENIED';
    case 'InvalidStateError':
      return 'BUSY';
    case 'NetworkError':
      // Claiming fails with NetworkError when another driver or program holds the interface.
      return c.operation === 'claimInterface' || c.operation === 'open' ? 'BUSY' : 'DISCONNECTED';
    case 'NotFoundError':
    case 'AbortError':
      return transfer || c.operation === 'close' ? 'DISCONNECTED' : 'USB_ERROR';
    default:
      return 'USB_ERROR';
  }
}

/** The `UsbErrorMapper` the WebUSB adapter gives the CCID driver. */
export function mapUsbError(error: unknown, context: UsbFailureContext): Error {
  if (isAppError(error)) return error;
  const name = nameOf(error);
  return usbError(
    codeFor(name, context),
    {
      operation: context.operation,
      domException: name,
      vendorId: context.vendorId,
      productId: context.productId,
      // The ways around a refusal differ by platform (src/ui/errors/usb.ts).
      chromeOs: onChromeOs(),
    },
    error,
  );
}

/**
 * True when WebUSB refused a reader in a way only the local PC/SC bridge (or the Isolated Web App on
 * managed ChromeOS) gets around: the Smart Card class is protected, or the device (a YubiKey) is on
 * Chrome's blocklist.
 */
export function bridgeWouldHelp(e: unknown): boolean {
  return isAppError(e, 'transport', 'PROTECTED_CLASS') || isAppError(e, 'transport', 'BLOCKLISTED');
}
