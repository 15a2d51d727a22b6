/**
 * A pass for the holder through the relay's TAP broker (relay/graph/tap-broker.ts), lifetime and
 * single use from the card template (Graph applies the tenant policy's bounds and refuses what falls
 * outside), and its delivery by the template's published emails. Creation is audited as `tap.create`
 * and each email as `tap.deliver`, by outcome only: the code goes into the message, never into a row.
 */
import { isAppError } from '../../src/app-error';
import type { TemplateValues } from '../../src/mail/template';
import type { CardTemplateBody } from '../../src/relay-api/template-schemas';
import { outcomeOf } from '../audit/record';
import type { CardRecord } from '../cards/registry';
import type { CreatedTap } from '../graph/tap-broker';
import { sendPublishedTemplate } from '../mail/send-published';
import type { Holder, SelfServiceDeps } from './holder';

/** Who the emails say acted. */
const ACTING_FOR = 'Keyward self-service';

/** A problem as the answer carries it. */
export type Problem = { code: string; message: string } | null;

const problemOf = (e: unknown): NonNullable<Problem> =>
  isAppError(e) ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: 'The relay failed.' };

/** Creates the holder's pass (audited); throws the broker's error after auditing it. */
export async function createPass(
  deps: SelfServiceDeps,
  holder: Holder,
  card: CardRecord,
  template: CardTemplateBody,
): Promise<CreatedTap> {
  const target = {
    type: 'user' as const,
    id: holder.user.id,
    label: `${holder.user.displayName} (card ${card.card_id})`,
  };
  try {
    const tap = await deps.broker.create(holder.user.id, {
      lifetimeInMinutes: template.tap.lifetimeOverrideMinutes,
      isUsableOnce: template.tap.usableOnce,
    });
    await deps.audit({ actor: holder.actor, action: 'tap.create', target, outcome: 'succeeded' });
    return tap;
  } catch (e) {
    await deps.audit({ actor: holder.actor, action: 'tap.create', target, ...outcomeOf(e) });
    throw e;
  }
}

function passValues(tap: CreatedTap, card: CardRecord): TemplateValues {
  const start = new Date(tap.startDateTime || Date.now());
  return {
    AadTapId: tap.id,
    AadTapCode: tap.temporaryAccessPass,
    AadTapLifetimeMinutes: String(tap.lifetimeInMinutes),
    AadTapStart: start.toISOString(),
    AadTapExpires: new Date(start.getTime() + tap.lifetimeInMinutes * 60_000).toISOString(),
    AadTapUsableOnce: tap.isUsableOnce ? 'yes' : 'no',
    CardSerial: card.serial ?? '',
    CredentialType: card.credential_type,
  };
}

/** Sends each email of `templateIds` with the pass; the first problem is returned, each send audited. */
export async function deliverPass(
  deps: SelfServiceDeps,
  holder: Holder,
  card: CardRecord,
  tap: CreatedTap,
  templateIds: readonly string[],
): Promise<{ emailed: boolean; problem: Problem }> {
  let problem: Problem = null;
  for (const id of templateIds) {
    const target = { type: 'user' as const, id: holder.user.id, label: `email ${id}` };
    try {
      await sendPublishedTemplate(deps.mail, id, holder.user, passValues(tap, card), ACTING_FOR);
      await deps.audit({ actor: holder.actor, action: 'tap.deliver', target, outcome: 'succeeded' });
    } catch (e) {
      await deps.audit({ actor: holder.actor, action: 'tap.deliver', target, ...outcomeOf(e) });
      problem ??= problemOf(e);
    }
  }
  return { emailed: templateIds.length > 0 && problem === null, problem };
}

/** Activation's *System generate TAP*: a pass and the Initiate Card emails; a failure is reported, not thrown. */
export async function initiatePass(
  deps: SelfServiceDeps,
  holder: Holder,
  card: CardRecord,
  template: CardTemplateBody,
) {
  let tap: CreatedTap;
  try {
    tap = await createPass(deps, holder, card, template);
  } catch (e) {
    return { tapCreated: false, emailed: false, problem: problemOf(e) };
  }
  const sent = await deliverPass(deps, holder, card, tap, template.initiate.exportTemplateIds);
  return { tapCreated: true, ...sent };
}
