/**
 * The one error shape used across Keyward's layers.
 *
 * Each layer (ccid, apdu, transport, piv, cards, entra, store, workflows, relay) throws `AppError`s with
 * its own `layer` and a string `code`; callers branch on `layer`/`code`, never on `instanceof` of a
 * subclass or on message text. `describeError()` in the UI turns codes into words a person can act on
 * (src/ui/errors/, one small table per layer); `message` is for developers and logs.
 *
 * Messages and fields must never contain a PIN, PUK, activation PIN, TAP code or key.
 */
export class AppError<C extends string = string> extends Error {
  override readonly name = 'AppError';

  /**
   * @param layer   the layer that raised it, e.g. `'ccid'`
   * @param code    a stable machine-readable code, e.g. `'BAD_SEQUENCE'`
   * @param message an English sentence for developers and logs (secret-free)
   * @param fields  structured facts: `sw`, `retriesLeft`, `status`, `slot`, …
   * @param cause   the underlying error, if any
   */
  constructor(
    readonly layer: string,
    readonly code: C,
    message: string,
    readonly fields: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `e` is an `AppError` of `layer` (and `code`, when given). */
export function isAppError(e: unknown, layer?: string, code?: string): e is AppError {
  if (!(e instanceof Error) || e.name !== 'AppError') return false;
  const a = e as AppError;
  return (layer === undefined || a.layer === layer) && (code === undefined || a.code === code);
}

/** `e` itself when it is an `AppError`, else an `AppError(layer, 'UNEXPECTED')` wrapping it. */
export function toAppError(e: unknown, layer = 'state'): AppError {
  return isAppError(e)
    ? e
    : new AppError(layer, 'UNEXPECTED', e instanceof Error ? e.message : String(e), {}, { cause: e });
}

/** Builds one layer's `AppError`s: `(code, message, fields?, cause?)`; the message never carries a secret. */
export type LayerErrorFactory<C extends string> = (
  code: C,
  message: string,
  fields?: Record<string, unknown>,
  cause?: unknown,
) => AppError<C>;

/** The error shorthand for `layer`, typed to that layer's codes `C` (e.g. `layerErrors<PivErrorCode>('piv')`). */
export function layerErrors<C extends string>(layer: string): LayerErrorFactory<C> {
  return (code, message, fields = {}, cause) =>
    new AppError(layer, code, message, fields, cause === undefined ? undefined : { cause });
}
