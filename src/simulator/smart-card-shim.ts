/**
 * A `navigator.smartCard` stand-in for the demo and tests: the Web Smart Card API (WICG web-smart-card,
 * the IDL and the method steps of its spec) over virtual readers holding virtual cards, such as the
 * virtual PIV card (piv-card/). It keeps the rules a caller can trip over:
 * - one operation at a time per context (`[[operationInProgress]]`, else "InvalidStateError");
 * - `getStatusChange` answers at once when a reader's state differs from the caller's `currentState`
 *   (or `unaware`), else when something changes, with the `\\?PnP?\Notification` pseudo-reader's
 *   `eventCount` the number of readers (as pcsc-lite does); an AbortSignal cancels it ("AbortError");
 * - a transaction callback that settles without a disposition ends with "reset";
 * - PC/SC failures reject with `SmartCardError` and its `responseCode`.
 */
import { buffer, ShimContext, ShimSmartCardError, type Flags } from './smart-card-shim-context';

export { ShimSmartCardError } from './smart-card-shim-context';

/** The card side: what a reader needs of a virtual card. */
export interface ShimCard {
  readonly atr: Uint8Array;
  handle(apdu: Uint8Array): Promise<Uint8Array>;
  /** Clears the card's security status and selection (a warm reset). */
  reset(): void;
}

/** The pseudo-reader name, as in web-smart-card.ts. */
const PNP = '\\\\?PnP?\\Notification';

interface Reader {
  card: ShimCard | null;
  events: number;
  /** The connection holding a transaction, if any; others wait. */
  transaction: Promise<void>;
}

/** The virtual readers, the API over them, and what the test can check afterwards. */
export class SmartCardShim {
  readonly #readers = new Map<string, Reader>();
  readonly #waiters = new Set<() => void>();
  /** Every disposition a connection was disconnected or a transaction ended with, in order. */
  readonly dispositions: {
    readonly reader: string;
    readonly at: 'disconnect' | 'transaction';
    readonly disposition: string;
  }[] = [];
  /** The resource manager to install as `navigator.smartCard`. */
  readonly api = { establishContext: async () => new ShimContext(this) };

  /** Plugs a reader in (empty unless `card`). */
  plugReader(name: string, card: ShimCard | null = null): void {
    this.#readers.set(name, { card, events: 0, transaction: Promise.resolve() });
    this.#changed();
  }

  /** Unplugs a reader. */
  unplugReader(name: string): void {
    this.#readers.delete(name);
    this.#changed();
  }

  /** Puts `card` into `reader`. */
  insertCard(reader: string, card: ShimCard): void {
    const r = this.#reader(reader);
    r.card = card;
    r.events++;
    this.#changed();
  }

  /** Takes the card out of `reader`. */
  removeCard(reader: string): void {
    const r = this.#reader(reader);
    r.card = null;
    r.events++;
    this.#changed();
  }

  /** @internal */
  names(): string[] {
    return [...this.#readers.keys()];
  }

  /** @internal the reader, or a SmartCardError "unknown-reader". */
  reader(name: string): Reader {
    return this.#reader(name);
  }

  /** @internal what PC/SC reports for `name` now. */
  stateOf(name: string): { eventState: Flags; eventCount: number; answerToReset?: ArrayBuffer } {
    if (name === PNP) return { eventState: {}, eventCount: this.#readers.size };
    const r = this.#readers.get(name);
    if (!r) return { eventState: { unknown: true }, eventCount: 0 };
    if (!r.card) return { eventState: { empty: true }, eventCount: r.events };
    return { eventState: { present: true }, eventCount: r.events, answerToReset: buffer(r.card.atr) };
  }

  /** @internal resolves at the next change. */
  nextChange(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.#waiters.delete(done);
        reject(new DOMException('The operation was aborted.', 'AbortError'));
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      this.#waiters.add(done);
    });
  }

  #reader(name: string): Reader {
    const r = this.#readers.get(name);
    if (!r) throw new ShimSmartCardError('unknown-reader');
    return r;
  }

  #changed(): void {
    for (const w of [...this.#waiters]) w();
  }
}

/** A shim with no readers. */
export function createSmartCardShim(): SmartCardShim {
  return new SmartCardShim();
}
