/**
 * Delivery of the activation PIN, per the template's Issue Card setting: shown once to the operator
 * (returned in the summary, nowhere else), or sent with a data-export email through the relay.
 *
 * The email's variables: the card's (src/relay-api/tap-rules.ts, the same as in every email) and
 * `ActivationPin`; the relay fills the user's and the operator's itself from the directory and the
 * caller's token (it refuses client-sent values for those). The email is recorded in the audit trail as
 * `pin.deliver` on the card (never the PIN).
 */
import { AppError, isAppError } from '../../app-error';
import type { TemplateValues } from '../../mail/template';
import { templateRef, type MailReceipt } from '../../relay-api/mail';
import { cardEmailValues, type CardNaming } from '../../relay-api/tap-rules';
import type { CardTemplateRecord } from '../../store/db';
import { cardTarget, failed, recordQuietly, succeeded } from '../audit-entries';
import type { TapContext } from '../request-tap';
import { lifecycleError, type LifecyclePorts } from './types';

/** The relay mail sender (request-tap's `TapContext.sendMail`). */
export type SendMail = TapContext['sendMail'];

/** How the activation PIN left. */
export type ActivationPinDelivery =
  | { readonly method: 'show' }
  | { readonly method: 'email'; readonly status: 'sent'; readonly receipt: MailReceipt }
  | { readonly method: 'email'; readonly status: 'failed'; readonly error: AppError };

/** Sends or hands back the activation PIN. Never throws for a mail failure: the card is issued regardless. */
export async function deliverActivationPin(
  input: {
    template: CardTemplateRecord;
    user: { id: string; upn: string; displayName: string };
    ports: Pick<LifecyclePorts, 'templates' | 'audit'>;
    sendMail?: SendMail;
  },
  card: CardNaming,
  pin: string,
): Promise<ActivationPinDelivery> {
  const how = input.template.issue.activationPin;
  if (how.delivery === 'show') return { method: 'show' };
  const { cardId } = card;
  const target = cardTarget(cardId, input.user.displayName);
  try {
    const published = await input.ports.templates.exportTemplates();
    const template = published.find((t) => t.record.id === how.exportTemplateId);
    if (!template)
      throw lifecycleError('TEMPLATE_GONE', 'The activation-PIN email template is not published, or was withdrawn.', {
        exportTemplateId: how.exportTemplateId,
      });
    if (!input.sendMail)
      throw lifecycleError('TAP_CONTEXT_MISSING', 'No mail sender was given for the activation-PIN email.');
    const values: TemplateValues = { ...cardEmailValues(card), ActivationPin: pin };
    const receipt = await input.sendMail(
      { template: templateRef(template), targetUserId: input.user.id, values },
      `activation-${cardId.replace(/[^A-Za-z0-9_-]/g, '-')}-${crypto.randomUUID()}`,
    );
    await recordQuietly(input.ports.audit, succeeded('pin.deliver', target));
    return { method: 'email', status: 'sent', receipt };
  } catch (e) {
    const error = isAppError(e)
      ? e
      : new AppError('workflows', 'UNEXPECTED', 'The activation-PIN email failed.', {}, { cause: e });
    await recordQuietly(input.ports.audit, failed('pin.deliver', target, error));
    return { method: 'email', status: 'failed', error };
  }
}
