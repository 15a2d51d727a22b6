/**
 * The browser's client for the relay's mail export (`POST /api/mail`, `POST /api/mail/test`). The relay
 * renders and sends; this only carries the template, the target user and the variable values.
 * The values may include a TAP code: they travel in the request body only, never in a URL or a log.
 */
import { MailReceipt, type MailRequestBody } from './contract';
import { relayCall, type RelayEndpoint } from './request';

export type { MailReceipt, MailRequestBody };

/**
 * How long the page waits for the relay's answer to a send: longer than the relay's own deadline for an
 * SMTP send (relay/mail/smtp-mailer.ts `SMTP_SEND_DEADLINE_MS`, 30 s), so the relay's verdict arrives.
 */
export const MAIL_ANSWER_DEADLINE_MS = 45_000;

/** What the template editor stores and the relay renders. */
export interface MailTemplateParts {
  readonly name: string;
  readonly to: string;
  readonly cc: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Only the parts the relay renders, from a stored template that holds more (id, target, timestamps). */
export function mailPartsOf(template: MailTemplateParts): MailTemplateParts {
  const { name, to, cc, subject, text, html } = template;
  return { name, to, cc, subject, text, html };
}

/**
 * Sends a data-export email about `targetUserId`. The same `idempotencyKey` never sends twice, so a
 * retry after a lost answer is safe.
 */
export function sendExportEmail(
  relay: RelayEndpoint,
  request: MailRequestBody & { template: MailTemplateParts },
  idempotencyKey: string,
): Promise<MailReceipt> {
  return relayCall(relay, {
    path: '/api/mail',
    body: request,
    idempotencyKey,
    timeoutMs: MAIL_ANSWER_DEADLINE_MS,
    answer: MailReceipt,
  });
}

/** Sends the relay's fixed test message to the signed-in operator's own mailbox. */
export function sendTestEmail(relay: RelayEndpoint): Promise<MailReceipt> {
  return relayCall(relay, {
    path: '/api/mail/test',
    body: {},
    idempotencyKey: `test-${crypto.randomUUID()}`,
    timeoutMs: MAIL_ANSWER_DEADLINE_MS,
    answer: MailReceipt,
  });
}
