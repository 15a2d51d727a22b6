/**
 * The browser's client for the relay's mail export (`POST /api/mail`, `POST /api/mail/test`). The relay
 * renders and sends; this only carries the template, the target user and the variable values.
 * The values may include a TAP code: they travel in the request body only, never in a URL or a log.
 */
import { AppError } from '../app-error';
import type { TemplateValues } from '../mail/template';

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

/** The relay's answer to a sent message. */
export interface MailReceipt {
  readonly messageId: string;
  readonly accepted: readonly string[];
  readonly requestId: string;
}

interface ErrorBody {
  error?: { code?: string; message?: string; retryable?: boolean; requestId?: string };
}

async function post(
  relayUrl: string,
  path: string,
  token: string,
  body: unknown,
  idempotencyKey?: string,
): Promise<MailReceipt> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let res: Response;
  try {
    res = await fetch(new URL(path, relayUrl), { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (cause) {
    // Nothing reached the relay, or the answer was lost: the idempotency key makes a retry safe either way.
    throw new AppError(
      'relay-api',
      'RELAY_UNREACHABLE',
      `The relay at ${relayUrl} did not answer.`,
      { relayUrl, retryable: Boolean(idempotencyKey) },
      { cause },
    );
  }
  const json = (await res.json().catch(() => ({}))) as ErrorBody & Partial<MailReceipt>;
  if (!res.ok) {
    const e = json.error ?? {};
    const retryAfter = Number(res.headers.get('Retry-After'));
    throw new AppError(
      'relay-api',
      e.code ?? `HTTP_${res.status}`,
      e.message ?? `The relay answered HTTP ${res.status}.`,
      {
        status: res.status,
        retryable: e.retryable === true,
        requestId: e.requestId,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      },
    );
  }
  return {
    messageId: String(json.messageId ?? ''),
    accepted: json.accepted ?? [],
    requestId: String(json.requestId ?? ''),
  };
}

/**
 * Sends a data-export email about `targetUserId`. The same `idempotencyKey` never sends twice, so a
 * retry after a lost answer is safe.
 */
export function sendExportEmail(
  relayUrl: string,
  token: string,
  request: { template: MailTemplateParts; targetUserId: string; values: TemplateValues },
  idempotencyKey: string,
): Promise<MailReceipt> {
  return post(relayUrl, '/api/mail', token, request, idempotencyKey);
}

/** Sends the relay's fixed test message to the signed-in operator's own mailbox. */
export function sendTestEmail(relayUrl: string, token: string): Promise<MailReceipt> {
  return post(relayUrl, '/api/mail/test', token, {}, `test-${crypto.randomUUID()}`);
}
