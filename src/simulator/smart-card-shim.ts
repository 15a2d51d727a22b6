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

/** The card side: what a reader needs of a virtual card. */
export interface ShimCard {
  readonly atr: Uint8Array;
  handle(apdu: Uint8Array): Promise<Uint8Array>;
  /** Clears the card's security status and selection (a warm reset). */
  reset(): void;
}

/** `SmartCardError` (a DOMException with a `responseCode`). */
export class ShimSmartCardError extends DOMException {
  readonly responseCode: string;
  constructor(responseCode: string) {
    super(`SmartCardError: ${responseCode}`, 'SmartCardError');
    this.responseCode = responseCode;
  }
}

/** The pseudo-reader name, as in web-smart-card.ts. */
const PNP = '\\\\?PnP?\\Notification';

interface Reader {
  card: ShimCard | null;
  events: number;
  /** The connection holding a transaction, if any; others wait. */
  transaction: Promise<void>;
}

type Flags = Record<string, boolean | undefined>;

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

/** An ArrayBuffer holding a copy of `bytes`. */
function buffer(bytes: Uint8Array): ArrayBuffer {
  return Uint8Array.from(bytes).buffer;
}

/** True when `current` (the caller's belief) differs from what PC/SC reports. */
function differs(
  current: Flags,
  currentCount: number | undefined,
  now: { eventState: Flags; eventCount: number },
): boolean {
  if (current.unaware) return true;
  if (currentCount !== undefined && currentCount !== now.eventCount) return true;
  return ['unavailable', 'empty', 'present', 'unknown'].some((f) => !!current[f] !== !!now.eventState[f]);
}

/** `SmartCardContext`. */
class ShimContext {
  #busy = false;
  constructor(readonly shim: SmartCardShim) {}

  /** Runs one operation, refusing a second while the first is in progress (spec `[[operationInProgress]]`). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#busy) throw new DOMException('An operation is in progress.', 'InvalidStateError');
    this.#busy = true;
    try {
      return await work();
    } finally {
      this.#busy = false;
    }
  }

  listReaders(): Promise<string[]> {
    return this.run(async () => this.shim.names());
  }

  getStatusChange(
    states: { readerName: string; currentState: Flags; currentCount?: number }[],
    options: { signal?: AbortSignal } = {},
  ): Promise<{ readerName: string; eventState: Flags; eventCount: number; answerToReset?: ArrayBuffer }[]> {
    return this.run(async () => {
      for (;;) {
        const out = states.map((s) => {
          const now = this.shim.stateOf(s.readerName);
          const changed = differs(s.currentState, s.currentCount, now);
          return { readerName: s.readerName, ...now, eventState: { ...now.eventState, changed } };
        });
        if (out.some((o) => o.eventState.changed)) return out;
        await this.shim.nextChange(options.signal);
      }
    });
  }

  connect(
    readerName: string,
    _accessMode: string,
    options: { preferredProtocols?: string[] } = {},
  ): Promise<{ connection: ShimConnection; activeProtocol: 't1' }> {
    return this.run(async () => {
      const reader = this.shim.reader(readerName);
      if (!reader.card) throw new ShimSmartCardError('no-smartcard');
      const preferred = options.preferredProtocols ?? [];
      if (!preferred.includes('t1')) throw new ShimSmartCardError('proto-mismatch'); // the virtual cards speak T=1
      return { connection: new ShimConnection(this, readerName, reader.card), activeProtocol: 't1' };
    });
  }
}

/** `SmartCardConnection`. */
class ShimConnection {
  #connected = true;

  constructor(
    private readonly context: ShimContext,
    private readonly readerName: string,
    private readonly card: ShimCard,
  ) {}

  transmit(sendBuffer: BufferSource): Promise<ArrayBuffer> {
    return this.context.run(async () => {
      this.#check();
      const bytes = new Uint8Array(ArrayBuffer.isView(sendBuffer) ? sendBuffer.buffer.slice(0) : sendBuffer.slice(0));
      return buffer(await this.card.handle(bytes));
    });
  }

  async startTransaction(transaction: () => Promise<string | undefined>): Promise<void> {
    const reader = await this.context.run(async () => {
      this.#check();
      return this.context.shim.reader(this.readerName);
    });
    const previous = reader.transaction;
    let release!: () => void;
    reader.transaction = new Promise((r) => (release = r));
    await previous;
    try {
      let disposition = 'reset';
      try {
        disposition = (await transaction()) ?? 'reset';
      } catch (e) {
        this.#end('transaction', 'reset');
        throw e;
      }
      this.#end('transaction', disposition);
    } finally {
      release();
    }
  }

  status(): Promise<{ readerName: string; state: string; answerToReset: ArrayBuffer }> {
    return this.context.run(async () => {
      this.#check();
      return { readerName: this.readerName, state: 't1', answerToReset: buffer(this.card.atr) };
    });
  }

  disconnect(disposition = 'leave'): Promise<void> {
    return this.context.run(async () => {
      if (!this.#connected) throw new DOMException('Not connected.', 'InvalidStateError');
      this.#connected = false;
      this.#end('disconnect', disposition);
    });
  }

  #end(at: 'disconnect' | 'transaction', disposition: string): void {
    this.context.shim.dispositions.push({ reader: this.readerName, at, disposition });
    if (disposition !== 'leave') this.card.reset();
  }

  /** A connection whose card was taken out (or is no longer in its reader) fails with "removed-card". */
  #check(): void {
    if (!this.#connected) throw new DOMException('Not connected.', 'InvalidStateError');
    const reader = this.context.shim.reader(this.readerName);
    if (reader.card !== this.card) throw new ShimSmartCardError('removed-card');
  }
}

/** A shim with no readers. */
export function createSmartCardShim(): SmartCardShim {
  return new SmartCardShim();
}
