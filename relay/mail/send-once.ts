/**
 * The `Idempotency-Key` of the mail routes (routes.ts): a send runs at most once per caller, key and body;
 * a retry is answered with the first outcome, and only an ambiguous send is remembered as a failure.
 */
import type { Context } from 'hono';
import { isAppError } from '../../src/app-error';
import { getCaller, type RelayEnv } from '../auth';
import { toErrorResponse } from '../http-errors';
import type { MailLog } from './mail-log';
import type { MailRouteDeps } from './routes';
import type { SendOutcome } from './smtp-mailer';

/** The success body of both routes. */
export interface MailSent {
  messageId: string;
  accepted: string[];
  rejected: string[];
  requestId: string;
}

/** Runs `work` at most once per (caller, key, body) and answers with its (possibly replayed) outcome. */
export async function once(
  c: Context<RelayEnv>,
  deps: MailRouteDeps,
  key: string | undefined,
  fingerprint: string,
  facts: MailLog,
  work: () => Promise<SendOutcome>,
) {
  const caller = getCaller(c).oid;
  const requestId = c.get('requestId');
  if (key === undefined) {
    const sent = await work();
    return c.json({
      messageId: sent.messageId,
      accepted: sent.accepted,
      rejected: sent.rejected,
      requestId,
    } satisfies MailSent);
  }
  const begun = await deps.idempotency.begin(caller, key, fingerprint);
  if (begun.kind === 'replay') {
    facts.replayed = true;
    c.header('Idempotent-Replayed', 'true');
    return c.json(begun.outcome.body as object, begun.outcome.status as 200);
  }
  try {
    const sent = await work();
    const body: MailSent = { messageId: sent.messageId, accepted: sent.accepted, rejected: sent.rejected, requestId };
    await deps.idempotency.complete(caller, key, { status: 200, body });
    return c.json(body);
  } catch (e) {
    // Only an ambiguous send is remembered: replaying it stops a retry from sending the TAP twice. Every
    // other failure sent nothing, so the key is freed for the retry.
    if (isAppError(e, 'relay', 'SMTP_UNCERTAIN')) {
      const { status, body } = toErrorResponse(e, requestId);
      await deps.idempotency.complete(caller, key, { status, body });
    } else {
      await deps.idempotency.release(caller, key);
    }
    throw e;
  }
}
