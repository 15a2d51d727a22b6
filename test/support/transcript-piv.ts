/**
 * Runs a `PivSession` over a transcript (transcript.ts) through the real `ApduChannel`, and checks that
 * the whole script was used.
 */
import { toHex } from '../../src/bytes';
import { ApduChannel } from '../../src/apdu/channel';
import { PivSession } from '../../src/piv/session';
import { createTranscriptTransport, type TranscriptOptions, type TranscriptTransport } from './transcript';

/** Replays `script` while `run` drives a session; rejects on an off-script APDU, leftovers, or `run`'s error. */
export async function replayPiv<T>(
  script: string,
  run: (session: PivSession) => Promise<T>,
  options: TranscriptOptions = {},
): Promise<T> {
  const transport = createTranscriptTransport(script, options);
  const result = await run(new PivSession(new ApduChannel(transport)));
  transport.assertDone();
  return result;
}

/** Like `replayPiv`, but for a run that must fail: resolves with its error after checking the script was used up. */
export async function replayPivError(
  script: string,
  run: (session: PivSession) => Promise<unknown>,
  options: TranscriptOptions = {},
): Promise<unknown> {
  const transport: TranscriptTransport = createTranscriptTransport(script, options);
  try {
    await run(new PivSession(new ApduChannel(transport)));
  } catch (e) {
    transport.assertDone();
    return e;
  }
  throw new Error('expected the PIV operation to fail');
}

/** Spaced upper-case hex, for building transcript lines from computed bytes. */
export function spacedHex(bytes: ArrayLike<number>): string {
  return toHex(bytes, { separator: ' ' });
}
