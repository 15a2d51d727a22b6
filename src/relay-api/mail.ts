/**
 * The browser's client for the relay's mail export (`POST /api/mail`, `POST /api/mail/test`). The relay
 * renders a published template and sends; this only names the template (id and version), the target
 * user and the variable values.
 * The values may include a TAP code: they travel in the request body only, never in a URL or a log.
 */
import { MailReceipt, type MailRequestBody, type MailTemplateRef } from './contract';
import { relayCall, type RelayEndpoint } from './request';

export type { MailReceipt, MailRequestBody, MailTemplateRef };

/**
 * How long the page waits for the relay's answer to a send: longer than the relay's own deadline for an
 * SMTP send (relay/mail/smtp-mailer.ts `SMTP_SEND_DEADLINE_MS`, 30 s), so the relay's verdict arrives.
 */
export const MAIL_ANSWER_DEADLINE_MS = 45_000;

/** The reference the relay sends by, from a published template as the template store holds it. */
export function templateRef(published: { readonly record: { readonly id: string }; readonly version: number }) {
  return { id: published.record.id, version: published.version } satisfies MailTemplateRef;
}

/**
 * Sends a data-export email about `targetUserId`. The same `idempotencyKey` never sends twice, so a
 * retry after a lost answer is safe.
 */
export function sendExportEmail(
  relay: RelayEndpoint,
  request: MailRequestBody,
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
