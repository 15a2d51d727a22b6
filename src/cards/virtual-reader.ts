/**
 * The demo's "Virtual reader": the simulator reader (a virtual USB CCID device driven by our real
 * driver) holding a virtual PIV card. Loaded lazily, and only when the deployment is the embedded demo,
 * so production bundles never fetch it.
 */
import type { ReaderChoice } from './readers';

/** The virtual reader plus controls a person uses to insert and pull the card. */
export interface VirtualReaderChoice extends ReaderChoice {
  readonly source: 'virtual';
  /** Inserts a factory-fresh card of the given profile. */
  insertBlankCard(profile?: 'yubikey-5.4' | 'yubikey-5.7' | 'piv-generic'): Promise<void>;
  /** Pulls the card out. */
  removeCard(): void;
}

/**
 * Builds the virtual reader, with a blank YubiKey 5.7 profile card inserted. Its serial is
 * `firstSerial` (10000001 unless given), and each blank card inserted after it gets the next one, as a
 * drawer of new cards would: two browsers given the same `firstSerial` hold "the same card".
 */
export async function createDemoVirtualReader(firstSerial = 10000001): Promise<VirtualReaderChoice> {
  const [{ createVirtualReader }, { DEFAULT_VIRTUAL_READER_ENTRY }, { createVirtualPivCard }] = await Promise.all([
    import('../simulator/virtual-reader'),
    import('../simulator/simulator-transport'),
    import('../simulator/piv-card/virtual-piv-card'),
  ]);
  const device = createVirtualReader({
    entry: DEFAULT_VIRTUAL_READER_ENTRY,
    card: createVirtualPivCard({ profile: 'yubikey-5.7', serial: firstSerial }),
    unrestricted: true,
  });
  let serial = firstSerial;
  return {
    id: 'virtual:0',
    label: 'Virtual reader',
    source: 'virtual',
    device,
    async insertBlankCard(profile = 'yubikey-5.7') {
      device.removeCard();
      device.insertCard(createVirtualPivCard({ profile, serial: ++serial }));
    },
    removeCard() {
      device.removeCard();
    },
  };
}
