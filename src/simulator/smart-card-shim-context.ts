/**
 * The `SmartCardContext` and `SmartCardConnection` of the `navigator.smartCard` stand-in
 * (smart-card-shim.ts), with the Web Smart Card spec's rules a caller can trip over.
 */
import type { ShimCard, SmartCardShim } from './smart-card-shim';

/** `SmartCardError` (a DOMException with a `responseCode`). */
export class ShimSmartCardError extends DOMException {
  readonly responseCode: string;
  constructor(responseCode: string) {
    super(`SmartCardError: ${responseCode}`, 'SmartCardError');
    this.responseCode = responseCode;
  }
}

/** A reader's state flags, as the Web Smart Card API names them. */
export type Flags = Record<string, boolean | undefined>;

/** An ArrayBuffer holding a copy of `bytes`. */
export function buffer(bytes: Uint8Array): ArrayBuffer {
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
export class ShimContext {
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
