/**
 * The one `mail` log line each request to the mail routes (routes.ts) writes: request id, template name,
 * target user id, recipient count, outcome, error code and SMTP reply code. Never the subject, bodies,
 * values, addresses or codes.
 */
import type { Context } from 'hono';
import { isAppError } from '../../src/app-error';
import type { RelayEnv } from '../auth';
import { toErrorResponse } from '../http-errors';
import type { LogFields } from '../log';
import type { MailRouteDeps } from './routes';

/** Per-request facts for the `mail` log line, filled in as the request progresses. */
export type MailLog = {
  template: string;
  targetUserId: string;
  recipients: number;
  smtpResponseCode: number | null;
  attempts: number;
  replayed: boolean;
  /** SMTP_TLS_FAILED's cause (relay/mail/smtp-tls.ts), so the log says what to fix. */
  tlsCause?: string;
};

/** The facts of a request not yet under way: nothing sent, nothing replayed. */
export function mailLog(template: string, targetUserId: string): MailLog {
  return { template, targetUserId, recipients: 0, smtpResponseCode: null, attempts: 0, replayed: false };
}

/** Wraps a handler so that exactly one `mail` line is logged, whatever the outcome. */
export async function logged<T>(
  deps: MailRouteDeps,
  c: Context<RelayEnv>,
  facts: MailLog,
  run: () => Promise<T>,
): Promise<T> {
  let outcome = 'failed';
  let errorCode: string | undefined;
  try {
    const result = await run();
    outcome = facts.replayed ? 'replayed' : 'sent';
    return result;
  } catch (e) {
    errorCode = isAppError(e) ? e.code : 'INTERNAL';
    if (isAppError(e) && typeof e.fields.smtpResponseCode === 'number')
      facts.smtpResponseCode = e.fields.smtpResponseCode;
    if (isAppError(e) && typeof e.fields.attempts === 'number') facts.attempts = e.fields.attempts;
    if (isAppError(e) && typeof e.fields.tlsCause === 'string') facts.tlsCause = e.fields.tlsCause;
    // fields.status first: toErrorResponse knows no 409 (app.ts answers it from fields.status).
    const status = !isAppError(e)
      ? 500
      : typeof e.fields.status === 'number'
        ? e.fields.status
        : toErrorResponse(e, '').status;
    outcome = status < 500 ? 'refused' : 'failed';
    throw e;
  } finally {
    const { replayed: _replayed, ...rest } = facts;
    const fields: LogFields = { requestId: c.get('requestId'), ...rest, outcome, errorCode };
    deps.log.info('mail', fields);
  }
}
