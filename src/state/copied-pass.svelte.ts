/**
 * "Copy code" for a Temporary Access Pass: the code goes to the clipboard, and 60 seconds later Keyward
 * takes it out again when the page still can, and tells the operator what happened.
 *
 * - Writing the clipboard needs the page to have focus (Clipboard API, "write permission": a focused
 *   document), so a clear that falls due while the operator is in another window waits for the page's
 *   next focus, then clears.
 * - What was copied since is left alone when the page can read the clipboard and sees something else;
 *   when it may not read it (no clipboard-read permission), it clears anyway: the pass matters more.
 * - A closed tab can clear nothing; the operator was told when they copied that the clear is Keyward's
 *   job only while the page is open.
 */
/** How long a copied pass stays in the clipboard. */
export const CLIPBOARD_CLEAR_MS = 60_000;

/** What the operator is told about the copied pass. */
export type CopiedPassStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'copied'; readonly clearsAt: number }
  | { readonly state: 'waiting-for-focus' }
  | { readonly state: 'cleared' }
  /** The clipboard held something else by then (the operator copied over it); nothing was touched. */
  | { readonly state: 'replaced' }
  /** The browser refused the write (no focus, or clipboard access blocked by policy). */
  | { readonly state: 'copy-failed' }
  | { readonly state: 'clear-failed' };

/** The page's side of the clipboard and its focus (the browser's in the app; fakes in tests). */
export interface ClipboardSeat {
  writeText(text: string): Promise<void>;
  /** Rejects when the page may not read the clipboard. */
  readText(): Promise<string>;
  hasFocus(): boolean;
  /** Calls `listener` once, the next time the page gains focus; returns a cancel. */
  onNextFocus(listener: () => void): () => void;
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The browser's clipboard, focus and clock. */
export function browserClipboardSeat(): ClipboardSeat {
  return {
    writeText: (text) => navigator.clipboard.writeText(text),
    readText: () => navigator.clipboard.readText(),
    hasFocus: () => document.hasFocus(),
    onNextFocus(listener) {
      window.addEventListener('focus', listener, { once: true });
      return () => window.removeEventListener('focus', listener);
    },
    now: () => Date.now(),
    setTimeout: (run, ms) => setTimeout(run, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/** One copied pass and its clearing. */
export class CopiedPassState {
  status = $state.raw<CopiedPassStatus>({ state: 'idle' });
  #code: string | null = null;
  #timer: unknown;
  #cancelFocus: (() => void) | undefined;

  constructor(
    private readonly seat: ClipboardSeat,
    private readonly clearAfterMs = CLIPBOARD_CLEAR_MS,
  ) {}

  /** Copies `code`, and schedules its removal (a second copy restarts the minute). */
  async copy(code: string): Promise<void> {
    this.#cancel();
    try {
      await this.seat.writeText(code);
    } catch {
      this.status = { state: 'copy-failed' };
      return;
    }
    this.#code = code;
    this.status = { state: 'copied', clearsAt: this.seat.now() + this.clearAfterMs };
    this.#timer = this.seat.setTimeout(() => void this.#due(), this.clearAfterMs);
  }

  async #due(): Promise<void> {
    this.#timer = undefined;
    if (!this.seat.hasFocus()) {
      this.status = { state: 'waiting-for-focus' };
      this.#cancelFocus = this.seat.onNextFocus(() => void this.#clear());
      return;
    }
    await this.#clear();
  }

  async #clear(): Promise<void> {
    this.#cancelFocus = undefined;
    const code = this.#code;
    this.#code = null;
    if (code === null) return;
    const now = await this.seat.readText().catch(() => undefined);
    if (now !== undefined && now !== code) {
      this.status = { state: 'replaced' };
      return;
    }
    try {
      await this.seat.writeText('');
      this.status = { state: 'cleared' };
    } catch {
      this.status = { state: 'clear-failed' };
    }
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.seat.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#cancelFocus?.();
    this.#cancelFocus = undefined;
  }
}

/** What the person is told about the copied pass at time `now`, in words ('' when nothing was copied). */
export function copiedPassNote(s: CopiedPassStatus, now: number): string {
  if (s.state === 'copied')
    return `Copied. Keyward clears the clipboard in ${Math.max(0, Math.ceil((s.clearsAt - now) / 1000))} s, while this page is open.`;
  if (s.state === 'waiting-for-focus') return 'Keyward clears the clipboard as soon as you come back to this page.';
  if (s.state === 'cleared') return 'The code was cleared from the clipboard.';
  if (s.state === 'replaced') return 'You copied something else since, so Keyward left the clipboard alone.';
  if (s.state === 'copy-failed')
    return 'The browser did not let Keyward copy the code. Select it and copy it yourself, then copy something else over it when done.';
  if (s.state === 'clear-failed') return 'Keyward could not clear the clipboard. Copy something else over the code.';
  return '';
}

/** How long until a pass that started at `startDateTime` and lasts `lifetimeInMinutes` expires, in words. */
export function passTimeLeft(startDateTime: string, lifetimeInMinutes: number, now: number): string {
  const s = Math.max(0, Math.floor((Date.parse(startDateTime) + lifetimeInMinutes * 60_000 - now) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h} h ` : ''}${m} min ${s % 60} s`;
}
