/**
 * A pass's email that is not sent automatically (its data-export template has *Send email automatically*
 * off; issue 14): the console composes it for the operator, who sends it or not. Smart Card Unblock holds
 * its Deliver email this way, and activation each Initiate Card email.
 *
 * The code is in `tap` only, in memory: the preview masks it unless the card template's *Show code* lets
 * the operator see it, and sending goes through the relay's `/api/mail` by template id and version with
 * the same idempotency key as every pass email (request-tap.ts `deliverTap`), so it is never sent twice.
 */
import type { TemporaryAccessPass } from '../entra/tap';
import type { DirectoryUser } from '../entra/users';
import { renderEmail, type RenderedEmail, type TemplateValues } from '../mail/template';
import { cardEmailValues, passEmailValues, type CardNaming } from '../relay-api/tap-rules';
import { deliverTap, type Delivery, type DeliveryTemplate, type TapContext } from './request-tap';

export type { RenderedEmail };

/** An email held for the operator: its published template, whom and which pass and card it is about. */
export interface HeldEmail {
  readonly template: DeliveryTemplate;
  /** The directory entry of the pass's user (the preview's To and names; the relay reads its own). */
  readonly user: DirectoryUser;
  /** The pass, with its code while it is still to be sent. */
  readonly tap: TemporaryAccessPass;
  readonly card: CardNaming;
  /** The card template's *Show code*: the operator may read the code in the preview. */
  readonly showCode: boolean;
}

/** What stands in for the code in an email preview the operator may not read the code in. */
export const HIDDEN_CODE = '(hidden: the code goes only to the user)';

/**
 * The held email as it would go out, for the operator to decide on: rendered with the shared template
 * code from the user's directory entry, the pass and the card; the code itself only when *Show code*
 * allows the operator to see it. The relay renders the real message itself.
 */
export function heldEmailPreview(held: HeldEmail): RenderedEmail {
  const { user } = held;
  const values: TemplateValues = {
    ...cardEmailValues(held.card),
    ...passEmailValues(held.tap),
    ...(held.showCode ? {} : { AadTapCode: HIDDEN_CODE }),
    DisplayName: user.displayName ?? '',
    GivenName: user.givenName ?? '',
    Surname: user.surname ?? '',
    UserPrincipalName: user.userPrincipalName,
    Mail: user.mail ?? '',
  };
  return renderEmail(held.template.record, values);
}

/** Sends the held email through the relay (audited as `mail.send`); a repeat never sends a second one. */
export function sendHeldEmail(ctx: TapContext, held: HeldEmail): Promise<Delivery> {
  return deliverTap(ctx, held.user, held.tap, held.template, cardEmailValues(held.card));
}
