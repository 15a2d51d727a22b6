/**
 * A CCID reader held open through our driver, as the reader model sees it (`OpenReader`): capabilities
 * from its class descriptor (CCID rev 1.1 §5.1), presence from its interrupt endpoint (§6.3.1), and the
 * card in slot 0 powered on demand. Shared by the `webusb-ccid` backend and the simulator, whose virtual
 * reader is a USB device driven by the same driver.
 */
import type { CcidReader } from '../ccid/reader';
import type { UsbDeviceLike } from '../ccid/reader-usb';
import type { HandCardSlot, OpenedCard, OpenReader, ReaderCapabilities, ReaderInfo } from './reader-backend';
import { connectCcidSlot, openWebUsbReader } from './webusb-ccid';

/** USB interface class of vendor-specific interfaces (USB 2.0 §9.6.5). */
const VENDOR_CLASS = 0xff;

/** Opens `device` with the WebUSB error mapping and wraps it as an `OpenReader` for slot 0. */
export async function openCcidReader(
  info: ReaderInfo,
  device: UsbDeviceLike,
  options: { kind: 'webusb-ccid' | 'simulator'; label?: string; handCard?: HandCardSlot },
): Promise<OpenReader> {
  return new CcidOpenReader(info, await openWebUsbReader(device), options);
}

class CcidOpenReader implements OpenReader {
  readonly handCard?: HandCardSlot;

  constructor(
    readonly info: ReaderInfo,
    private readonly reader: CcidReader,
    private readonly options: { kind: 'webusb-ccid' | 'simulator'; label?: string; handCard?: HandCardSlot },
  ) {
    if (options.handCard) this.handCard = options.handCard;
  }

  get name(): string {
    return this.options.label ?? this.reader.name;
  }

  get capabilities(): ReaderCapabilities {
    const d = this.reader.descriptor;
    return {
      exchangeLevel: d.exchangeLevel,
      protocols: [d.protocols.t0 ? 'T=0' : '', d.protocols.t1 ? 'T=1' : ''].filter(Boolean),
      slots: d.maxSlotIndex + 1,
      maxMessageLength: d.maxMessageLength,
      maxIfsd: d.maxIfsd,
      autoPps: d.auto.pps,
      autoIfsd: d.auto.ifsd,
      pinPad: d.pinSupport.verification,
      interfaceClass: this.reader.usbInterface.interfaceClass === VENDOR_CLASS ? 'vendor' : 'smart-card',
    };
  }

  present(): boolean | null {
    return this.reader.slots[0]?.present ?? null;
  }

  onPresence(listener: (present: boolean) => void): () => void {
    return this.reader.onSlotChange((e) => {
      if (e.slot === 0) listener(e.present);
    });
  }

  async openCard(): Promise<OpenedCard> {
    const transport = await connectCcidSlot(this.reader, { slot: 0, kind: this.options.kind });
    return { transport, protocol: transport.protocol };
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
