/**
 * A pass for the holder through the relay's TAP broker (relay/graph/tap-broker.ts) and its emails, under
 * the card template's rules shared with the console (src/relay-api/tap-rules.ts): lifetime and usable
 * once from the template (Graph applies the tenant policy's bounds and refuses what falls outside), the
 * emails' card and pass variables, and *Send email automatically*: an email that is not sent
 * automatically is held, never sent, and the answer names it for the holder's page to say so.
 *
 * The pass is recorded against its card (relay/cards/passes.ts, as the console's `PUT
 * /api/cards/:id/pass` records its own), so retiring the card or reporting it lost removes it. Creation
 * is audited as `tap.create`, each email as `tap.deliver`, a pass that could not be recorded as
 * `tap.record`; by outcome only: the code goes into the message, never into a row.
 */
import { isAppError } from '../../src/app-error';
import type { TemplateValues } from '../../src/mail/template';
import { cardEmailValues, initiateEmails, passEmailValues, passRequest } from '../../src/relay-api/tap-rules';
import type { CardTemplateBody } from '../../src/relay-api/template-schemas';
import { outcomeOf } from '../audit/record';
import { recordCardPass } from '../cards/passes';
import type { CardRecord } from '../cards/registry';
import type { CreatedTap } from '../graph/tap-broker';
import { sendPublishedTemplate, type PublishedEmailBody } from '../mail/send-published';
import type { Holder, SelfServiceDeps } from './holder';
import type { HolderView } from './permissions';

/** Who the emails say acted. */
const ACTING_FOR = 'Keyward self-service';

/** A problem as the answer carries it. */
export type Problem = { code: string; message: string } | null;

const problemOf = (e: unknown): NonNullable<Problem> =>
  isAppError(e) ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: 'The relay failed.' };

/** Records `tap` against `card`; a failure is audited, not thrown: the pass exists all the same. */
async function rememberPass(deps: SelfServiceDeps, holder: Holder, card: CardRecord, tap: CreatedTap) {
  try {
    await recordCardPass(deps.db, card.card_id, { tapId: tap.id, userOid: card.holder_oid }, holder.actor);
  } catch (e) {
    const target = { type: 'card' as const, id: card.card_id, label: 'pass not recorded against the card' };
    await deps.audit({ actor: holder.actor, action: 'tap.record', target, ...outcomeOf(e) });
  }
}

/** Creates the holder's pass (audited) and records it against `card`; throws the broker's error after auditing it. */
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
  let tap: CreatedTap;
  try {
    tap = await deps.broker.create(holder.user.id, passRequest(template.tap));
  } catch (e) {
    await deps.audit({ actor: holder.actor, action: 'tap.create', target, ...outcomeOf(e) });
    throw e;
  }
  await deps.audit({ actor: holder.actor, action: 'tap.create', target, outcome: 'succeeded' });
  await rememberPass(deps, holder, card, tap);
  return tap;
}

/** The email's variables: the pass's and the card's, as the console fills them. */
function passValues(tap: CreatedTap, card: CardRecord): TemplateValues {
  const naming = { cardId: card.card_id, serial: card.serial, credentialType: card.credential_type };
  return { ...passEmailValues(tap), ...cardEmailValues(naming) };
}

/** What became of a pass's emails. */
export interface Delivered {
  /** Every email sent at once went, and there was at least one. */
  emailed: boolean;
  /** Names of the emails held because their template is not sent automatically: not sent. */
  held: string[];
  problem: Problem;
}

/** Sends each of `emails` with the pass; names those `held`; the first problem is returned, each send audited. */
export async function deliverPass(
  deps: SelfServiceDeps,
  holder: Holder,
  card: CardRecord,
  tap: CreatedTap,
  emails: readonly PublishedEmailBody[],
  held: readonly PublishedEmailBody[] = [],
): Promise<Delivered> {
  let problem: Problem = null;
  for (const email of emails) {
    const { id } = email.record;
    const target = { type: 'user' as const, id: holder.user.id, label: `email ${id}` };
    try {
      const ref = { id, version: email.version };
      await sendPublishedTemplate(deps.mail, ref, holder.user, passValues(tap, card), ACTING_FOR);
      await deps.audit({ actor: holder.actor, action: 'tap.deliver', target, outcome: 'succeeded' });
    } catch (e) {
      await deps.audit({ actor: holder.actor, action: 'tap.deliver', target, ...outcomeOf(e) });
      problem ??= problemOf(e);
    }
  }
  return { emailed: emails.length > 0 && problem === null, held: held.map((e) => e.record.name), problem };
}

/** The answer's problem for an Initiate Card email that is not published (or was withdrawn). */
const emailGone = (id: string): NonNullable<Problem> => ({
  code: 'MAIL_TEMPLATE_NOT_PUBLISHED',
  message: `The card template's email ${id} is not published, so it was not sent.`,
});

/**
 * Activation's *System generate TAP*: a pass, then each Initiate Card email sent at once or held (the
 * shared rule `initiateEmails`); a failure is reported, not thrown.
 */
export async function initiatePass(deps: SelfServiceDeps, holder: Holder, card: CardRecord, v: HolderView) {
  const template = v.template!;
  let tap: CreatedTap;
  try {
    tap = await createPass(deps, holder, card, template);
  } catch (e) {
    return { tapCreated: false, emailed: false, held: [], problem: problemOf(e) };
  }
  const emails = initiateEmails(template, v.emails);
  const pick = (status: 'send' | 'held') => emails.flatMap((e) => (e.status === status ? [e.email] : []));
  const sent = await deliverPass(deps, holder, card, tap, pick('send'), pick('held'));
  const gone = emails.find((e) => e.status === 'gone');
  if (!gone) return { tapCreated: true, ...sent };
  return { tapCreated: true, ...sent, emailed: false, problem: sent.problem ?? emailGone(gone.id) };
}
