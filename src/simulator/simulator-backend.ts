/**
 * The `simulator` reader backend: the demo's "Virtual reader", a virtual USB CCID device (virtual-reader.ts)
 * driven by our real driver, holding a virtual PIV card (piv-card/). A person can put a blank card in and
 * pull it out. The demo loads this module lazily, so production bundles never fetch it.
 */
import { openCcidReader } from '../transport/ccid-open-reader';
import type { OpenReader, ReaderBackend, ReaderInfo } from '../transport/reader-backend';
import { createVirtualPivCard, type PivCardProfileName } from './piv-card/virtual-piv-card';
import { DEFAULT_VIRTUAL_READER_ENTRY } from './simulator-transport';
import { createVirtualReader, type VirtualReader } from './virtual-reader';

const INFO: ReaderInfo = { id: 'virtual:0', label: 'Virtual reader', backend: 'simulator', present: null };

/** The virtual reader as a backend, plus the controls of its card. */
export class SimulatorReaderBackend implements ReaderBackend {
  readonly kind = 'simulator' as const;
  readonly title = 'virtual reader';
  readonly device: VirtualReader;
  #serial: number;

  /**
   * A blank YubiKey 5.7 profile card is inserted, its serial `firstSerial`; each blank card inserted after
   * it gets the next one, as a drawer of new cards would: two browsers given the same `firstSerial` hold
   * "the same card".
   */
  constructor(firstSerial = 10000001) {
    this.#serial = firstSerial;
    this.device = createVirtualReader({
      entry: DEFAULT_VIRTUAL_READER_ENTRY,
      card: createVirtualPivCard({ profile: 'yubikey-5.7', serial: firstSerial }),
      unrestricted: true,
    });
  }

  async listReaders(): Promise<ReaderInfo[]> {
    return [INFO];
  }

  watch(): () => void {
    return () => undefined; // the virtual reader is never unplugged
  }

  open(): Promise<OpenReader> {
    return openCcidReader(INFO, this.device, {
      kind: 'simulator',
      label: INFO.label,
      handCard: { insertBlankCard: () => this.insertBlankCard(), removeCard: () => this.device.removeCard() },
    });
  }

  /** Pulls any card out and puts a factory-fresh one of `profile` in. */
  async insertBlankCard(profile: PivCardProfileName = 'yubikey-5.7'): Promise<void> {
    this.device.removeCard();
    this.device.insertCard(createVirtualPivCard({ profile, serial: ++this.#serial }));
  }

  async close(): Promise<void> {}
}

/** Builds the demo's virtual reader backend (its first card's serial `firstSerial`). */
export function createSimulatorBackend(firstSerial?: number): SimulatorReaderBackend {
  return new SimulatorReaderBackend(firstSerial);
}
