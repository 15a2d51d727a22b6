/**
 * The subset of WebUSB's `USBDevice` the CCID driver uses. A real `USBDevice` satisfies it structurally;
 * so does the virtual reader in src/simulator/. Keeping it small keeps the fake honest.
 */

/** The WebUSB `USBDevice` members the driver touches (WebUSB §6). */
export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName?: string | null | undefined;
  readonly manufacturerName?: string | null | undefined;
  readonly serialNumber?: string | null | undefined;
  readonly opened: boolean;
  readonly configuration: { readonly configurationValue: number } | null | undefined;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult>;
  controlTransferOut(setup: USBControlTransferParameters, data?: BufferSource): Promise<USBOutTransferResult>;
  transferIn(endpointNumber: number, length: number): Promise<USBInTransferResult>;
  transferOut(endpointNumber: number, data: BufferSource): Promise<USBOutTransferResult>;
  clearHalt(direction: USBDirection, endpointNumber: number): Promise<void>;
}

/** Which USB call failed, for the adapter that turns browser refusals into words (src/transport/usb-errors.ts). */
export interface UsbFailureContext {
  readonly operation:
    | 'open'
    | 'selectConfiguration'
    | 'claimInterface'
    | 'releaseInterface'
    | 'controlTransferIn'
    | 'controlTransferOut'
    | 'transferIn'
    | 'transferOut'
    | 'close';
  readonly vendorId: number;
  readonly productId: number;
  /** bInterfaceClass of the CCID interface, once known (0x0B or 0xFF). */
  readonly interfaceClass?: number;
}

/** Turns a rejected USB call into the error callers see. The transport adapter supplies one. */
export type UsbErrorMapper = (error: unknown, context: UsbFailureContext) => Error;

/** Copies a transfer result's bytes out of its DataView. */
export function bytesOf(result: USBInTransferResult): Uint8Array {
  const view = result.data;
  if (!view) return new Uint8Array(0);
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}
