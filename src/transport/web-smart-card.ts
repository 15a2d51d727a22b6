/**
 * The one file that touches `navigator.smartCard` (WICG Web Smart Card API, shipped in Chrome 143 to
 * Isolated Web Apps on ChromeOS): the part of the API Keyward uses, typed here, and every rejection
 * mapped to `AppError('transport', code)` by `SmartCardError.responseCode` (spec §"SmartCardError",
 * the PC/SC RESPONSECODE each one stands for) or by `DOMException.name`, never by message text.
 * What a person reads about them is describeError's (src/ui/errors/smart-card.ts).
 */
import { isAppError, layerErrors, type AppError } from '../app-error';
import { onChromeOs } from './platform';

/**
 * The pseudo-reader whose state changes when a reader is added or removed (PC/SC Part 5 §3.1.3; the
 * spec's README, "Reacting to reader availability"). In JavaScript source: `\\?PnP?\Notification`.
 */
export const PNP_NOTIFICATION = '\\\\?PnP?\\Notification';

/** `SmartCardReaderStateFlagsIn` (what the caller believes). */
export interface SmartCardStateFlagsIn {
  unaware?: boolean;
  ignore?: boolean;
  unavailable?: boolean;
  empty?: boolean;
  present?: boolean;
  exclusive?: boolean;
  inuse?: boolean;
  mute?: boolean;
  unpowered?: boolean;
}

/** `SmartCardReaderStateFlagsOut` (what PC/SC reports). */
export interface SmartCardStateFlagsOut extends Omit<SmartCardStateFlagsIn, 'unaware'> {
  changed?: boolean;
  unknown?: boolean;
}

/** `SmartCardReaderStateIn`. */
export interface SmartCardReaderStateIn {
  readerName: string;
  currentState: SmartCardStateFlagsIn;
  currentCount?: number;
}

/** `SmartCardReaderStateOut`. */
export interface SmartCardReaderStateOut {
  readerName: string;
  eventState: SmartCardStateFlagsOut;
  eventCount: number;
  answerToReset?: ArrayBuffer;
}

/** `SmartCardProtocol`. */
export type SmartCardProtocol = 'raw' | 't0' | 't1';
/** `SmartCardDisposition`: what happens to the card when a transaction or connection ends. */
export type SmartCardDisposition = 'leave' | 'reset' | 'unpower' | 'eject';

/** `SmartCardConnection` (the methods Keyward uses). */
export interface SmartCardConnectionLike {
  transmit(sendBuffer: BufferSource, options?: { protocol?: SmartCardProtocol }): Promise<ArrayBuffer>;
  startTransaction(
    transaction: () => Promise<SmartCardDisposition | undefined>,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  status(): Promise<{ readerName: string; state: string; answerToReset?: ArrayBuffer }>;
  disconnect(disposition?: SmartCardDisposition): Promise<void>;
}

/** `SmartCardContext`. One operation at a time per context (spec: `[[operationInProgress]]`). */
export interface SmartCardContextLike {
  listReaders(): Promise<string[]>;
  getStatusChange(
    readerStates: SmartCardReaderStateIn[],
    options?: { timeout?: number; signal?: AbortSignal },
  ): Promise<SmartCardReaderStateOut[]>;
  connect(
    readerName: string,
    accessMode: 'shared' | 'exclusive' | 'direct',
    options?: { preferredProtocols?: SmartCardProtocol[] },
  ): Promise<{ connection: SmartCardConnectionLike; activeProtocol?: SmartCardProtocol }>;
}

/** `SmartCardResourceManager` (`navigator.smartCard`). */
export interface SmartCardResourceManagerLike {
  establishContext(): Promise<SmartCardContextLike>;
}

/** Codes of the transport layer's Web Smart Card errors (some shared with the bridge: the same PC/SC meaning). */
export type SmartCardErrorCode =
  | 'SMART_CARD_UNAVAILABLE'
  | 'SMART_CARD_NO_SERVICE'
  | 'SMART_CARD_NOT_ALLOWED'
  | 'SMART_CARD_BUSY'
  | 'SMART_CARD_UNRESPONSIVE'
  | 'SMART_CARD_UNSUPPORTED'
  | 'SMART_CARD_CANCELLED'
  | 'SMART_CARD_ERROR'
  | 'NO_CARD'
  | 'CARD_REMOVED'
  | 'SHARING_VIOLATION'
  | 'UNKNOWN_READER';

const smartCardError = layerErrors<SmartCardErrorCode>('transport');

/** `SmartCardResponseCode` → code. */
const BY_RESPONSE_CODE: Readonly<Record<string, SmartCardErrorCode>> = {
  'no-service': 'SMART_CARD_NO_SERVICE',
  'no-smartcard': 'NO_CARD',
  'not-ready': 'SMART_CARD_BUSY',
  'server-too-busy': 'SMART_CARD_BUSY',
  'not-transacted': 'SMART_CARD_ERROR',
  'proto-mismatch': 'SMART_CARD_UNSUPPORTED',
  'unsupported-card': 'SMART_CARD_UNSUPPORTED',
  'unsupported-feature': 'SMART_CARD_UNSUPPORTED',
  'reader-unavailable': 'UNKNOWN_READER',
  'unknown-reader': 'UNKNOWN_READER',
  'removed-card': 'CARD_REMOVED',
  'reset-card': 'CARD_REMOVED',
  'sharing-violation': 'SHARING_VIOLATION',
  'system-cancelled': 'SMART_CARD_CANCELLED',
  'unpowered-card': 'SMART_CARD_UNRESPONSIVE',
  'unresponsive-card': 'SMART_CARD_UNRESPONSIVE',
};

/** `DOMException.name` → code, for the rejections that are not `SmartCardError`s. */
const BY_NAME: Readonly<Record<string, SmartCardErrorCode>> = {
  NotAllowedError: 'SMART_CARD_NOT_ALLOWED', // no permission for the reader, or the window lacks focus on connect()
  SecurityError: 'SMART_CARD_NOT_ALLOWED',
  AbortError: 'SMART_CARD_CANCELLED',
};

/** Maps a rejection of the API during `operation` to an `AppError('transport', …)`, keeping it as the cause. */
export function mapSmartCardError(error: unknown, operation: string): AppError<SmartCardErrorCode> {
  const e = error as { name?: unknown; responseCode?: unknown } | null;
  const responseCode = typeof e?.responseCode === 'string' ? e.responseCode : undefined;
  const name = typeof e?.name === 'string' ? e.name : undefined;
  const code =
    (responseCode !== undefined ? BY_RESPONSE_CODE[responseCode] : undefined) ??
    (name !== undefined ? BY_NAME[name] : undefined) ??
    'SMART_CARD_ERROR';
  const detail = responseCode ?? name ?? 'unknown';
  return smartCardError(
    code,
    `Web Smart Card ${operation} failed (${detail})`,
    { operation, responseCode, name },
    error,
  );
}

/** Calls `work`, mapping any rejection with `mapSmartCardError`. */
export async function smartCardCall<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw isAppError(e) ? e : mapSmartCardError(e, operation);
  }
}

/**
 * True where the page may use the Web Smart Card API: an Isolated Web App with the `smart-card`
 * permission, on ChromeOS, the one platform Chrome ships it for (Chrome 143). Elsewhere the API can be
 * switched on by a flag, but has no PC/SC provider behind it: on Linux (Chromium 156, checked) the
 * renderer crashed at `establishContext()`, so Keyward does not call it there.
 */
export function webSmartCardAvailable(): boolean {
  return browserSmartCard() !== undefined && onChromeOs();
}

function browserSmartCard(): SmartCardResourceManagerLike | undefined {
  return (globalThis as { navigator?: { smartCard?: SmartCardResourceManagerLike } }).navigator?.smartCard;
}

/**
 * How long `establishContext` may take. Outside ChromeOS there is no PC/SC provider behind the API and
 * the call never settles (Chromium 156 on Linux, checked: DESIGN.md "An IWA on Linux here").
 */
export const ESTABLISH_TIMEOUT_MS = 10_000;

/** A new PC/SC context from `navigator.smartCard` (or `api`, for tests); no answer in time is `SMART_CARD_NO_SERVICE`. */
export function establishContext(
  api = browserSmartCard(),
  timeoutMs = ESTABLISH_TIMEOUT_MS,
): Promise<SmartCardContextLike> {
  if (!api) return Promise.reject(smartCardError('SMART_CARD_UNAVAILABLE', 'navigator.smartCard is absent'));
  return smartCardCall('establishContext', () =>
    Promise.race([
      api.establishContext(),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(smartCardError('SMART_CARD_NO_SERVICE', `establishContext gave no answer in ${timeoutMs} ms`)),
          timeoutMs,
        ),
      ),
    ]),
  );
}
