/**
 * What a card template lets an operator do on Actions > Smart Card Unblock > Request TAP Code (DESIGN.md
 * "The workflow being reproduced", step 2, Entra ID TAP Code): whether a pass may be created at all
 * (*Operator may generate TAP codes*), whether the operator sees the code (*Show code*), which
 * data-export template delivers it (the template's *Deliver*, never a free choice), and the pass's
 * lifetime and usable-once (*Override lifetime*, *Usable once*), checked against the tenant's TAP policy
 * before Graph is called.
 *
 * The template's rules themselves are the ones the relay and the holder's page apply too
 * (src/relay-api/tap-rules.ts); this module adds the card, the user and the refusals as AppErrors.
 *
 * Pure: the page gives it the user's cards, their published templates and the policy it could read.
 */
import { AppError } from '../app-error';
import type { TapRequest } from '../entra/tap';
import type { TapPolicyResult } from '../entra/tap-policy';
import type { DirectoryUser } from '../entra/users';
import type { TemplateValues } from '../mail/template';
import { cardEmailValues, operatorTap } from '../relay-api/tap-rules';

export { sendsAutomatically } from '../relay-api/tap-rules';
import type { CardTemplateRecord, ExportTemplateRecord } from '../store/db';
import type { Card, Published } from './ports';

/** What the operator may do for one card, under its template. */
export interface OperatorTapGrant {
  readonly card: Card;
  readonly templateName: string;
  /** The code may be shown to the operator. */
  readonly showCode: boolean;
  /** The template's Deliver email, published; null when the code is only shown. */
  readonly deliverWith: Published<ExportTemplateRecord> | null;
  readonly request: TapRequest;
}

/** A card of the user and what its template allows: a grant, or why not (an AppError for describeError). */
export interface CardTapVerdict {
  readonly card: Card;
  readonly grant: OperatorTapGrant | null;
  readonly refusal: AppError | null;
}

/** A refusal of this module: `workflows` codes, described in src/ui/errors/workflows.ts. */
function tapRefusal(code: string, message: string, fields: Record<string, unknown>): AppError {
  return new AppError('workflows', code, message, fields);
}

/** Cards whose template still governs a pass: in someone's hands, or just reported lost. */
export const governsTap = (card: Card): boolean =>
  card.state === 'issued' || card.state === 'active' || card.state === 'locked' || card.lostAt !== null;

/**
 * The verdict for `card` under `template` (null: not published or withdrawn), with the published
 * data-export templates and the tenant policy as far as the operator could read it. The template's rules
 * are the shared ones (src/relay-api/tap-rules.ts `operatorTap`).
 */
export function cardTapVerdict(
  card: Card,
  template: Published<CardTemplateRecord> | null,
  exports: readonly Published<ExportTemplateRecord>[],
  policy: TapPolicyResult | null,
): CardTapVerdict {
  const about = (fields: Record<string, unknown> = {}) => ({
    cardId: card.cardId,
    templateName: template?.record.name ?? '',
    ...fields,
  });
  if (!template)
    return {
      card,
      grant: null,
      refusal: tapRefusal('TAP_TEMPLATE_GONE', 'The card template of this card is withdrawn or not published.', {
        ...about(),
        templateId: card.template.id,
      }),
    };
  const tap = template.record.tap;
  const bounds = policy?.readable ? policy.policy : null;
  const rules = operatorTap(tap, (id) => exports.find((e) => e.record.id === id), bounds);
  if (!rules.allowed) {
    const fields =
      rules.refusal === 'TAP_DELIVER_TEMPLATE_GONE'
        ? { exportTemplateId: tap.operatorDeliverTemplateId }
        : rules.refusal === 'TAP_LIFETIME_OUTSIDE_POLICY'
          ? {
              lifetime: tap.lifetimeOverrideMinutes,
              min: bounds?.minimumLifetimeInMinutes,
              max: bounds?.maximumLifetimeInMinutes,
            }
          : {};
    return { card, grant: null, refusal: new AppError('workflows', rules.refusal, rules.why, about(fields)) };
  }
  const { showCode, deliverWith, request } = rules;
  return { card, grant: { card, templateName: template.record.name, showCode, deliverWith, request }, refusal: null };
}

/**
 * Why no pass may be requested for `user` at all, whatever the card: a guest (Graph refuses guests),
 * the operator themself (nobody may create their own), or no card in the registry. Null when cards decide.
 */
export function userTapRefusal(
  user: DirectoryUser,
  operatorOid: string,
  verdicts: readonly CardTapVerdict[],
): AppError | null {
  const name = user.displayName ?? user.userPrincipalName;
  if ((user.userType ?? 'Member').toLowerCase() === 'guest')
    return tapRefusal('TAP_GUEST', 'Entra ID does not issue passes to guests.', { name });
  if (user.id === operatorOid)
    return tapRefusal('TAP_SELF', 'Nobody may create a Temporary Access Pass for themself.', { name });
  if (verdicts.length === 0)
    return tapRefusal('TAP_NO_CARD', 'The user has no card in the registry, so no card template allows a pass.', {
      name,
    });
  return null;
}

/** The card variables of a pass's email (the shared rule: the serial, else the card's id, and its kind in words). */
export const cardValues = (card: Card): TemplateValues => cardEmailValues(card);
