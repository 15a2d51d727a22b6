/**
 * What an SMTP failure means for the caller: retry now (inside the relay), or give up and say whether
 * the client may retry. Pure, so the decision table is tested without a server.
 *
 * The line that matters is whether the message content had started to go out (the server had answered
 * DATA with 354 and the relay had begun writing; RFC 5321 §3.3, §4.1.1.4):
 * - before it, a broken connection, a timeout or a 4xx reply delivered nothing: retry with backoff, and
 *   when the tries run out answer 503 SMTP_UNAVAILABLE, retryable;
 * - after it, a broken connection or a timeout without the final reply is ambiguous (the server may have
 *   queued the message): 502 SMTP_UNCERTAIN, not retryable, so nobody sends a TAP twice by accident;
 * - a 5xx reply at any point is a definite refusal (RFC 5321 §4.2.1): 502 SMTP_REJECTED, no retry;
 * - authentication and TLS failures are configuration problems: 502, no retry; SMTP_TLS_FAILED names its
 *   cause (smtp-tls.ts) in `fields.tlsCause` and in the message;
 * - a server that stops answering once the session is set up (a socket timeout after the greeting, e.g.
 *   it never answers AUTH) or a send that runs past the relay's deadline before DATA: 502 SMTP_TIMEOUT,
 *   no retry (it would only stall again), told apart from an AUTH rejection (SMTP_AUTH_FAILED).
 */
import { AppError } from '../../src/app-error';
import { TLS_CAUSE_WORDS, tlsCauseOf } from './smtp-tls';

/** The fields of a nodemailer error that the decision reads. */
export interface SmtpErrorLike {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  /** The SMTP command the error arose on (`AUTH PLAIN`, `STARTTLS`, `CONN`, …). */
  command?: unknown;
  /** nodemailer's kind of timeout: CONNECT_TIMEOUT, GREETING_TIMEOUT, UPGRADE_TIMEOUT or SOCKET_TIMEOUT. */
  timeoutType?: unknown;
}

/** The decision for one failed attempt. */
export interface SmtpVerdict {
  /** Worth another attempt inside the relay (nothing was delivered). */
  retry: boolean;
  /** The error to answer with when no attempt is left (or `retry` is false). */
  error: AppError;
}

/** The answer when the send outlived the relay's deadline, or the server stalled after the greeting. */
export function smtpTimeout(attempts: number, deadlineMs?: number): AppError {
  const within = deadlineMs === undefined ? '' : ` within ${Math.round(deadlineMs / 1000)} s`;
  return new AppError(
    'relay',
    'SMTP_TIMEOUT',
    `The mail server stopped answering (no reply${within}); nothing was sent.`,
    { status: 502, retryable: false, smtpResponseCode: null, attempts },
  );
}

/**
 * Classifies a failed send. `dataStarted` says whether any of the message content had been read for
 * sending; `attempts` (tries so far) is recorded on the error.
 */
export function classifySmtpFailure(err: SmtpErrorLike, dataStarted: boolean, attempts = 1): SmtpVerdict {
  const fail = (code: string, status: 502 | 503, retryable: boolean, message: string, responseCode: number | null) =>
    new AppError('relay', code, message, { status, retryable, smtpResponseCode: responseCode, attempts });
  const code = typeof err.code === 'string' ? err.code : '';
  const reply = typeof err.responseCode === 'number' ? err.responseCode : null;
  const transient = reply !== null && reply >= 400 && reply < 500;
  const unavailable = fail(
    'SMTP_UNAVAILABLE',
    503,
    true,
    'The mail server is unavailable or deferred the message; nothing was sent, so retrying is safe.',
    reply,
  );

  if (code === 'EAUTH') {
    if (transient) return { retry: true, error: unavailable };
    return {
      retry: false,
      error: fail(
        'SMTP_AUTH_FAILED',
        502,
        false,
        "The mail server refused the relay's SMTP credentials (check SMTP_URL); nothing was sent.",
        reply,
      ),
    };
  }
  const tlsCause = tlsCauseOf(err);
  if (tlsCause !== undefined) {
    const message = `TLS with the mail server failed: ${TLS_CAUSE_WORDS[tlsCause]}. Nothing was sent.`;
    const fields = { status: 502, retryable: false, smtpResponseCode: reply, attempts, tlsCause };
    return { retry: false, error: new AppError('relay', 'SMTP_TLS_FAILED', message, fields) };
  }
  if (code === 'ETIMEDOUT' && err.timeoutType === 'SOCKET_TIMEOUT' && !dataStarted)
    return { retry: false, error: smtpTimeout(attempts) };
  if (reply !== null && reply >= 500) {
    return {
      retry: false,
      error: fail(
        'SMTP_REJECTED',
        502,
        false,
        `The mail server refused the message (SMTP ${reply}); it was not sent.`,
        reply,
      ),
    };
  }
  if (transient) return { retry: true, error: unavailable };
  if (dataStarted) {
    return {
      retry: false,
      error: fail(
        'SMTP_UNCERTAIN',
        502,
        false,
        'The connection to the mail server failed while the message was being sent; it may or may not have been delivered. Check the mailbox before sending again.',
        reply,
      ),
    };
  }
  return { retry: true, error: unavailable };
}
