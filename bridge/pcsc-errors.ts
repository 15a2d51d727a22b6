/**
 * The PC/SC adapter's failures as `AppError('bridge', code)` with plain words. The `smartcard` addon's
 * errors carry only a message (its native layer turns the SCARD_* code into text, src/pcsc_errors.h), so
 * the codes are found by matching those texts.
 */
import { AppError } from '../src/app-error';
import type { BridgeErrorCode } from '../src/transport/pcsc-bridge-protocol';

/** PC/SC messages (as the addon words them) → our codes. */
const MESSAGE_CODES: readonly (readonly [RegExp, BridgeErrorCode])[] = [
  [/service not running|service stopped|no service/i, 'SERVICE_NOT_RUNNING'],
  [/card was removed|no smart card present|card is unpowered|card was reset/i, 'CARD_REMOVED'],
  [/sharing violation/i, 'SHARING_VIOLATION'],
  [/unknown reader|reader unavailable/i, 'UNKNOWN_READER'],
  [/no readers available/i, 'NO_READER'],
];

/** Plain words for each PC/SC failure, with what to do. */
const HINTS: Partial<Record<BridgeErrorCode, string>> = {
  SERVICE_NOT_RUNNING:
    'The PC/SC service is not running. Linux: `sudo systemctl start pcscd`; Windows: start the "Smart Card" service; macOS: plug in a reader (the service starts on demand). The bridge keeps running and reconnects by itself: retry once the service is up.',
  CARD_REMOVED: 'The card was removed (or reset) during the operation. Insert it again and retry.',
  SHARING_VIOLATION: 'Another program holds this card exclusively.',
  UNKNOWN_READER: 'That reader is not connected any more.',
  NO_READER:
    'No smart-card reader is connected to this computer. Plug one in (and install its driver if it needs one), then list the readers again.',
};

/** Wraps an addon error as `AppError('bridge', code)`. */
export function pcscError(e: unknown, during: string): AppError<BridgeErrorCode> {
  const message = e instanceof Error ? e.message : String(e);
  const code = MESSAGE_CODES.find(([re]) => re.test(message))?.[1] ?? 'PCSC_ERROR';
  return new AppError(
    'bridge',
    code,
    HINTS[code] ?? `PC/SC failed during ${during}: ${message}`,
    { during },
    { cause: e },
  );
}

/** Why `name` cannot be connected: no reader at all, or none by that name. */
export function missingReader(name: string, present: readonly string[]): AppError<BridgeErrorCode> {
  if (present.length === 0) return new AppError('bridge', 'NO_READER', HINTS.NO_READER!, { reader: name });
  const message = `There is no reader named "${name}" (connected: ${present.map((r) => `"${r}"`).join(', ')}). It may have been unplugged: list the readers again and pick one.`;
  return new AppError('bridge', 'UNKNOWN_READER', message, { reader: name });
}
