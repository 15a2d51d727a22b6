/**
 * The fault sweep's reader (fault-sweep.test.ts): the demo's virtual reader, driven by the real CCID
 * driver, that counts its bulk-OUT transfers and fails exactly the k-th one by pulling the card or by a
 * USB transfer error on the reply (bulk-IN) or on the command (bulk-OUT).
 */
import { openCcidTransport } from '../../src/transport/webusb-ccid';
import type { VirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { DEFAULT_VIRTUAL_READER_ENTRY } from '../../src/simulator/simulator-transport';
import { createVirtualReader, type VirtualReader } from '../../src/simulator/virtual-reader';
import type { CardTransport } from '../../src/transport/card-transport';
import type { VirtualCardSpec } from '../../src/simulator/virtual-types';

/** How the armed transfer fails. */
export type Mode = 'card-removed' | 'transfer-error-in' | 'transfer-error-out';

/** A virtual reader whose k-th bulk-OUT transfer (counted from `arm`) triggers `mode`. */
export class SweptReader {
  readonly reader: VirtualReader;
  count = 0;
  #at = -1;
  #mode: Mode = 'card-removed';

  /** `face`: what the reader sees (the card itself, or a generic card's view of it). */
  constructor(
    readonly card: VirtualPivCard,
    readonly face: VirtualCardSpec = card,
  ) {
    this.reader = createVirtualReader({ entry: DEFAULT_VIRTUAL_READER_ENTRY, card: face, unrestricted: true });
    const out = this.reader.transferOut.bind(this.reader);
    this.reader.transferOut = async (endpoint, data) => {
      this.count += 1;
      if (this.count === this.#at) {
        if (this.#mode === 'card-removed') this.reader.injectFault({ kind: 'card-removed', times: 1 });
        else
          this.reader.injectFault({
            kind: 'transfer-error',
            direction: this.#mode === 'transfer-error-in' ? 'in' : 'out',
            times: 1,
          });
      }
      return out(endpoint, data);
    };
  }

  /** Fails the `at`-th bulk-OUT transfer from now with `mode` (-1: none). */
  arm(at: number, mode: Mode): void {
    this.count = 0;
    this.#at = at;
    this.#mode = mode;
  }

  /** Puts the card back (power cycle: security status cleared) and clears leftovers. */
  reinsert(): void {
    this.reader.clearFaults();
    this.reader.removeCard();
    this.card.reset();
    this.reader.insertCard(this.face);
  }

  /** Opens the reader with the real CCID driver. */
  connect(): Promise<CardTransport> {
    return openCcidTransport(this.reader, { kind: 'simulator' });
  }
}

/** Runs `work` over a transport opened on `r`'s reader, closed after. */
export async function withTransport<T>(r: SweptReader, work: (t: CardTransport) => Promise<T>): Promise<T> {
  const t = await r.connect();
  try {
    return await work(t);
  } finally {
    await t.close();
  }
}
