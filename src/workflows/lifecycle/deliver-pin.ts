/**
 * Delivery of the activation PIN, per the template's Issue Card setting: shown once to the operator
 * (returned in the summary, nowhere else), or sent with a data-export email through the relay.
 *
 * The email's variables: the card's and `ActivationPin`; the relay fills the user's and the operator's
 * itself from the directory and the caller's token (it refuses client-sent values for those).
 */
import { AppError, isAppError } from '../../app-error';
import type { TemplateValues } from '../../mail/template';
import { mailPartsOf, type MailReceipt } from '../../relay-api/mail';
import { getExportTemplate } from '../../store/export-templates';
import type { CardTemplateRecord } from '../../store/db';
import type { TapContext } from '../request-tap';
import { lifecycleError } from './types';

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
    operator: { name: string };
    sendMail?: SendMail;
  },
  cardId: string,
  credentialType: string,
  pin: string,
): Promise<ActivationPinDelivery> {
  const how = input.template.issue.activationPin;
  if (how.delivery === 'show') return { method: 'show' };
  try {
    const template = await getExportTemplate(how.exportTemplateId);
    if (!template)
      throw lifecycleError('TEMPLATE_MISMATCH', 'The activation-PIN email template no longer exists.', {
        exportTemplateId: how.exportTemplateId,
      });
    if (!input.sendMail)
      throw lifecycleError('TAP_CONTEXT_MISSING', 'No mail sender was given for the activation-PIN email.');
    const values: TemplateValues = { CardSerial: cardId, CredentialType: credentialType, ActivationPin: pin };
    const receipt = await input.sendMail(
      { template: mailPartsOf(template), targetUserId: input.user.id, values },
      `activation-${cardId.replace(/[^A-Za-z0-9_-]/g, '-')}-${crypto.randomUUID()}`,
    );
    return { method: 'email', status: 'sent', receipt };
  } catch (e) {
    const error = isAppError(e)
      ? e
      : new AppError('workflows', 'UNEXPECTED', 'The activation-PIN email failed.', {}, { cause: e });
    return { method: 'email', status: 'failed', error };
  }
}
