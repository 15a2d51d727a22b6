import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CLIPBOARD_CLEAR_MS,
  copiedPassNote,
  CopiedPassState,
  passTimeLeft,
  type ClipboardSeat,
} from './copied-pass.svelte';

interface TestSeat extends ClipboardSeat {
  clipboard: string;
  focused: boolean;
  writeRefused: boolean;
  focus(): void;
}

/** A clipboard and focus the test drives; the clock and timers are Vitest's fake ones. */
function seat(options: { canRead?: boolean } = {}): TestSeat {
  const focus: Array<() => void> = [];
  const s: TestSeat = {
    clipboard: '',
    focused: true,
    writeRefused: false,
    async writeText(text: string) {
      if (s.writeRefused || !s.focused) throw new DOMException('Document is not focused.', 'NotAllowedError');
      s.clipboard = text;
    },
    async readText() {
      if (options.canRead === false) throw new DOMException('Read permission denied.', 'NotAllowedError');
      return s.clipboard;
    },
    hasFocus: () => s.focused,
    onNextFocus(listener: () => void) {
      focus.push(listener);
      return () => focus.splice(focus.indexOf(listener), 1);
    },
    focus() {
      s.focused = true;
      focus.splice(0).forEach((f) => f());
    },
    now: () => Date.now(),
    setTimeout: (run: () => void, ms: number) => setTimeout(run, ms),
    clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  return s;
}

const PASS = 'Xq7#mP2k';

/** A pass copied into a fresh {@link seat}'s clipboard. */
async function copied(options: { canRead?: boolean } = {}): Promise<{ clip: TestSeat; pass: CopiedPassState }> {
  const clip = seat(options);
  const pass = new CopiedPassState(clip);
  await pass.copy(PASS);
  return { clip, pass };
}

beforeEach(() => void vi.useFakeTimers({ now: new Date('2026-12-05T12:00:00Z') }));
afterEach(() => void vi.useRealTimers());

describe('a copied pass', () => {
  it('stays in the clipboard for 60 s, then is cleared, and the operator is told when and that it was', async () => {
    const { clip, pass } = await copied();
    expect(clip.clipboard).toBe(PASS);
    expect(pass.status).toEqual({ state: 'copied', clearsAt: Date.parse('2026-12-05T12:01:00Z') });
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS - 1);
    expect(clip.clipboard).toBe(PASS);
    await vi.advanceTimersByTimeAsync(1);
    expect(clip.clipboard).toBe('');
    expect(pass.status).toEqual({ state: 'cleared' });
  });

  it('copied again, restarts the minute', async () => {
    const { clip, pass } = await copied();
    await vi.advanceTimersByTimeAsync(40_000);
    await pass.copy(PASS);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(clip.clipboard).toBe(PASS);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(clip.clipboard).toBe('');
  });

  it('waits for the page to have focus again when the minute ends elsewhere, then clears', async () => {
    const { clip, pass } = await copied();
    clip.focused = false;
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(pass.status).toEqual({ state: 'waiting-for-focus' });
    expect(clip.clipboard).toBe(PASS);
    clip.focus();
    await vi.advanceTimersByTimeAsync(0);
    expect(clip.clipboard).toBe('');
    expect(pass.status).toEqual({ state: 'cleared' });
  });

  it('leaves what the operator copied since, when it can read the clipboard', async () => {
    const { clip, pass } = await copied();
    clip.clipboard = 'ticket 4711';
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(clip.clipboard).toBe('ticket 4711');
    expect(pass.status).toEqual({ state: 'replaced' });
  });

  it('clears without looking when it may not read the clipboard', async () => {
    const { clip, pass } = await copied({ canRead: false });
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(clip.clipboard).toBe('');
    expect(pass.status).toEqual({ state: 'cleared' });
  });

  it('says so when the browser refuses the copy or the clear', async () => {
    const clip = seat();
    const pass = new CopiedPassState(clip);
    clip.writeRefused = true;
    await pass.copy(PASS);
    expect(pass.status).toEqual({ state: 'copy-failed' });
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(pass.status).toEqual({ state: 'copy-failed' });
    clip.writeRefused = false;
    await pass.copy(PASS);
    clip.writeRefused = true;
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(pass.status).toEqual({ state: 'clear-failed' });
  });
});

describe('what the person is told', () => {
  it('counts down the clear, and says each outcome in words', () => {
    expect(copiedPassNote({ state: 'copied', clearsAt: 61_000 }, 1_000)).toBe(
      'Copied. Keyward clears the clipboard in 60 s, while this page is open.',
    );
    expect(copiedPassNote({ state: 'cleared' }, 0)).toBe('The code was cleared from the clipboard.');
    expect(copiedPassNote({ state: 'idle' }, 0)).toBe('');
  });

  it('says how long a pass has left, never below zero', () => {
    const start = '2026-12-05T10:00:00.000Z';
    const t0 = Date.parse(start);
    expect(passTimeLeft(start, 90, t0 + 1_000)).toBe('1 h 29 min 59 s');
    expect(passTimeLeft(start, 10, t0 + 11 * 60_000)).toBe('0 min 0 s');
  });
});
