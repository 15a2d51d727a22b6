/**
 * The rig shared by the card-stack benchmarks: a virtual CCID reader built from a corpus descriptor,
 * wrapped in a `USBDevice` stand-in that counts (and optionally times) the bulk transfers the driver
 * makes, opened through the real driver (`openCcidTransport`) with an `ApduChannel` on top.
 *
 *   ApduChannel → CcidCardTransport → CcidSlot / BulkPipe → CountingDevice → VirtualReader → card
 *
 * Node-only; never imported by the app.
 */
import { ApduChannel } from '../src/apdu/channel';
import type { UsbDeviceLike } from '../src/ccid/reader-usb';
import { openCcidTransport, type CcidCardTransport } from '../src/transport/webusb-ccid';
import { corpusEntry, type CorpusReader } from '../src/simulator/fake-corpus';
import { createVirtualReader, type VirtualReader } from '../src/simulator/virtual-reader';
import type { VirtualCardSpec } from '../src/simulator/virtual-types';
import { SIM_ENDPOINT } from '../src/simulator/virtual-usb-descriptors';

/** One exchange level and the corpus reader that stands for it. */
export interface BenchLevel {
  readonly label: string;
  readonly file: string;
}

/** Readers from test/fixtures/ccid-readers.json, one per exchange level the figures are given for. */
export const BENCH_LEVELS: readonly BenchLevel[] = [
  { label: 'short APDU (ACS ACR3901U)', file: 'ACS_ACR3901U_ICC_Reader.txt' },
  { label: 'TPDU T=1 (SCR3310)', file: 'SCR3310.txt' },
  { label: 'TPDU T=1 (Dell SCRK)', file: 'DellSCRK.txt' },
  { label: 'extended APDU (uTrust 3700 F)', file: 'Identiv_uTrust_3700_F_CL_Reader.txt' },
  { label: 'extended APDU (OMNIKEY 3x21)', file: 'HID_Global_OMNIKEY_3x21_Smart_Card_Reader.txt' },
];

/** Bulk transfers seen by `CountingDevice` since the last `reset()`. */
export interface TransferCounts {
  bulkOut: number;
  bulkIn: number;
  /** Nanoseconds spent inside bulk calls, from call to settlement; only when timing is on. */
  deviceNs: bigint;
}

/**
 * A `UsbDeviceLike` that forwards every call to the virtual reader and counts the bulk-out and bulk-in
 * transfers (the interrupt endpoint's pending read is not counted). With `timed`, it also adds up the
 * time each bulk call takes to settle, which is the virtual device's share of a round trip: the driver
 * has exactly one bulk call outstanding at a time (BulkPipe serialises commands, CCID rev 1.1 §6).
 */
export class CountingDevice implements UsbDeviceLike {
  readonly counts: TransferCounts = { bulkOut: 0, bulkIn: 0, deviceNs: 0n };
  timed = false;

  constructor(readonly inner: VirtualReader) {}

  get vendorId(): number {
    return this.inner.vendorId;
  }
  get productId(): number {
    return this.inner.productId;
  }
  get productName(): string {
    return this.inner.productName;
  }
  get manufacturerName(): string | undefined {
    return this.inner.manufacturerName;
  }
  get opened(): boolean {
    return this.inner.opened;
  }
  get configuration(): { configurationValue: number } | null {
    return this.inner.configuration;
  }

  /** Zeroes the counters. */
  reset(): void {
    Object.assign(this.counts, { bulkOut: 0, bulkIn: 0, deviceNs: 0n });
  }

  open = (): Promise<void> => this.inner.open();
  close = (): Promise<void> => this.inner.close();
  selectConfiguration = (value: number): Promise<void> => this.inner.selectConfiguration(value);
  claimInterface = (n: number): Promise<void> => this.inner.claimInterface(n);
  releaseInterface = (): Promise<void> => this.inner.releaseInterface();
  clearHalt = (): Promise<void> => this.inner.clearHalt();
  controlTransferIn = (setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> =>
    this.inner.controlTransferIn(setup, length);
  controlTransferOut = (setup: USBControlTransferParameters): Promise<USBOutTransferResult> =>
    this.inner.controlTransferOut(setup);

  transferOut(endpoint: number, data: BufferSource): Promise<USBOutTransferResult> {
    if (endpoint === (SIM_ENDPOINT.BULK_OUT & 0x0f)) this.counts.bulkOut += 1;
    return this.time(this.inner.transferOut(endpoint, data));
  }

  transferIn(endpoint: number, length: number): Promise<USBInTransferResult> {
    if (endpoint !== (SIM_ENDPOINT.BULK_IN & 0x0f)) return this.inner.transferIn(endpoint, length);
    this.counts.bulkIn += 1;
    return this.time(this.inner.transferIn(endpoint, length));
  }

  private async time<T>(call: Promise<T>): Promise<T> {
    if (!this.timed) return call;
    const start = process.hrtime.bigint();
    try {
      return await call;
    } finally {
      this.counts.deviceNs += process.hrtime.bigint() - start;
    }
  }
}

/** An open path to a virtual card: the channel to drive, the transport under it, and the counters. */
export interface Rig {
  readonly entry: CorpusReader;
  readonly device: CountingDevice;
  readonly transport: CcidCardTransport;
  readonly channel: ApduChannel;
}

/**
 * Builds the virtual reader for corpus `file` holding `card`, and opens it through the driver. Smart Card
 * class readers are opened as the installed app would (`unrestricted`), as in the driver's own tests.
 */
export async function openRig(file: string, card: VirtualCardSpec): Promise<Rig> {
  const entry = corpusEntry(file);
  const reader = createVirtualReader({ entry, card, unrestricted: true });
  const device = new CountingDevice(reader);
  const transport = await openCcidTransport(device, { kind: 'simulator' });
  return { entry, device, transport, channel: new ApduChannel(transport) };
}

/** The corpus reader's dwMaxCCIDMessageLength and dwMaxIFSD (CCID rev 1.1 §5.1, offsets 44 and 28). */
export function readerLimits(entry: CorpusReader): { maxMessage: number; maxIfsd: number } {
  return { maxMessage: entry.descriptor['dwMaxCCIDMessageLength']!, maxIfsd: entry.descriptor['dwMaxIFSD']! };
}
