/**
 * PIN entry on the open reader's keypad, for the Lifecycle page (lifecycle.svelte.ts): whether the reader
 * has a PIN pad that takes a new PIN, whether the holder is to type there now, and the Cancel that ends the
 * entry. The PINs never reach the page: the reader sends them to the card itself.
 */
import type { ProgressRow } from './lifecycle-page';
import type { ReaderState } from './readers.svelte';

/** The steps that wait for the holder at a PIN-pad reader's keypad. */
const KEYPAD_STEPS: ReadonlySet<string> = new Set(['change-pin', 'reset-retry-counter']);

/** Reactive keypad entry; one for the Lifecycle page. */
export class ReaderKeypadState {
  /** The running operation takes its PINs from the reader's keypad; its Cancel is `cancel()`. */
  inUse = $state(false);
  #entry: AbortController | null = null;

  /** `progress` is the running operation's steps. */
  constructor(
    private readonly readers: ReaderState,
    private readonly progress: () => readonly ProgressRow[],
  ) {}

  /** The open reader has a PIN pad that takes a new PIN: the holder types PINs there, never in the page. */
  get present(): boolean {
    return this.readers.card?.transport.pinPad?.modify === true;
  }

  /** The holder is to type on the reader's keypad now: the page says so, with a Cancel. */
  get waiting(): boolean {
    return this.inUse && this.progress().some((r) => r.status === 'running' && KEYPAD_STEPS.has(r.step));
  }

  /** Runs an operation whose PINs are typed on the keypad; `signal` aborts when the entry is cancelled. */
  async run(operation: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const entry = new AbortController();
    this.#entry = entry;
    this.inUse = true;
    try {
      await operation(entry.signal);
    } finally {
      this.#entry = null;
      this.inUse = false;
    }
  }

  /** Ends the PIN entry on the reader's keypad (the operation fails as cancelled, nothing changed). */
  cancel(): void {
    this.#entry?.abort();
  }
}
