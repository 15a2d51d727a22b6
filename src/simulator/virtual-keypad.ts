/**
 * The virtual reader's PIN pad (for corpus readers whose descriptor sets bPINSupport, CCID rev 1.1 §5.1
 * offset 52): while a PC_to_RDR_Secure waits (virtual-secure.ts), the reader asks for one PIN or more, and
 * whoever holds the keypad — a test, or the demo's "keypad" control — types digits and presses OK, or
 * presses Cancel. Nothing typed here passes through the host: the PIN goes from the keypad into the APDU
 * the reader sends the card.
 */

/** What the reader's display asks for now. */
export type KeypadPrompt = 'Enter PIN' | 'Enter new PIN' | 'Confirm new PIN';

/** How one entry ended: the digits typed, the Cancel key, or the reader's timeout. */
export type KeypadEntry = { readonly pin: string } | { readonly end: 'cancelled' | 'timeout' };

interface Waiting {
  readonly prompt: KeypadPrompt;
  readonly done: (entry: KeypadEntry) => void;
}

/** The keypad of one virtual reader. */
export class VirtualKeypad {
  #waiting: Waiting | null = null;
  readonly #listeners = new Set<(prompt: KeypadPrompt | null) => void>();

  /** What the reader asks for now; null when it is not waiting for a PIN. */
  get prompt(): KeypadPrompt | null {
    return this.#waiting?.prompt ?? null;
  }

  /** Types `digits` and presses OK. Throws when the reader is not asking for a PIN. */
  type(digits: string): void {
    if (!/^[0-9]{1,15}$/.test(digits)) throw new RangeError('a keypad has only the digits 0-9');
    this.#end({ pin: digits });
  }

  /** Presses Cancel. Throws when the reader is not asking for a PIN. */
  cancel(): void {
    this.#end({ end: 'cancelled' });
  }

  /** Calls `listener` whenever the prompt changes (null: entry over); returns the unsubscribe function. */
  onPrompt(listener: (prompt: KeypadPrompt | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The reader's side: shows `prompt` and waits for one entry, at most `timeoutMs` (the reader's bTimeOut);
   * `tick` runs every `tickMs` meanwhile (the reader's time extensions, §6.2.6).
   */
  ask(prompt: KeypadPrompt, timeoutMs: number, tick: () => void, tickMs = 5000): Promise<KeypadEntry> {
    if (this.#waiting) this.#end({ end: 'cancelled' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#end({ end: 'timeout' }), timeoutMs);
      const ticker = setInterval(tick, tickMs);
      this.#waiting = {
        prompt,
        done: (entry) => {
          clearTimeout(timer);
          clearInterval(ticker);
          resolve(entry);
        },
      };
      this.#tell(prompt);
    });
  }

  /** The host aborted the command (§5.3.1): the entry ends as cancelled. */
  abandon(): void {
    if (this.#waiting) this.#end({ end: 'cancelled' });
  }

  #end(entry: KeypadEntry): void {
    const waiting = this.#waiting;
    if (!waiting) throw new Error('The reader is not asking for a PIN');
    this.#waiting = null;
    waiting.done(entry);
    this.#tell(null);
  }

  #tell(prompt: KeypadPrompt | null): void {
    for (const l of this.#listeners) l(prompt);
  }
}
