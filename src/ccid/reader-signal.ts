/**
 * Cancellation of a reader command: an aborted `AbortSignal` becomes the `AppError` callers see, and a
 * transfer is raced against it (a WebUSB transfer cannot itself be cancelled).
 */
import { AppError } from '../app-error';

/** Rejects with an AppError when `signal` aborts; TimeoutError reasons become TIMEOUT. */
export function signalError(signal: AbortSignal, command: string): AppError {
  const reason: unknown = signal.reason;
  const timeout = reason instanceof Error && reason.name === 'TimeoutError';
  return new AppError(
    'ccid',
    timeout ? 'TIMEOUT' : 'ABORTED',
    `${command} ${timeout ? 'timed out' : 'was cancelled'}`,
    { command },
    { cause: reason },
  );
}

/** `work`, or the AppError of `signal` as soon as it aborts (the work itself goes on). */
export function race<T>(work: Promise<T>, signal: AbortSignal | undefined, command: string): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signalError(signal, command));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signalError(signal, command));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
