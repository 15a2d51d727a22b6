/**
 * What the card template (the version the card was issued under) and the card itself let its holder do
 * on the self-service page, each refusal in words (DESIGN.md "Self-service"):
 * - activate: an issued card whose issuance recorded a PIV Authentication key (9A) to prove it;
 * - request a pass: the template's rules, shared with the console (src/relay-api/tap-rules.ts
 *   `holderTap`: *User may request TAP via console*, *Force authentication*, *Show code*, a Deliver email
 *   sent automatically), and an active card; with *Force authentication* its 9A key;
 * - unblock the PIN: the template's *User may unblock the PIN on the self-service page*, and a card whose
 *   issuance recorded a Card Authentication key (9E), which signs without the (blocked) PIN.
 */
import type { Kysely } from 'kysely';
import type { CardKey, CardState } from '../../src/relay-api/contract';
import {
  PROOF_SLOT,
  type ActionPermission,
  type HolderCard,
  type SelfServicePurpose,
} from '../../src/relay-api/self-service-contract';
import { holderTap, type FindEmail, type HolderTap } from '../../src/relay-api/tap-rules';
import { CardTemplateBody } from '../../src/relay-api/template-schemas';
import type { CardRecord } from '../cards/registry';
import type { Schema } from '../db/schema';
import { newestPublishedEmail, type PublishedEmailBody } from '../mail/send-published';
import { getTemplate } from '../templates/store';

/** A holder's card with its template, as the routes decide on it. */
export interface HolderView {
  card: CardRecord;
  template: CardTemplateBody | undefined;
  templateName: string;
  view: HolderCard;
  /** The template's rules for a pass the holder requests; null when the template cannot be read. */
  tap: HolderTap<PublishedEmailBody> | null;
  /** The published emails the template names (Deliver, Initiate Card), by id. */
  emails: FindEmail<PublishedEmailBody>;
}

/** The PIV card's own PIN rule (SP 800-73-4 Part 2 §2.4.3), when the template cannot be read. */
const PIV_PIN_RULE = { minLength: 6, maxLength: 8, digitsOnly: true };

const yes: ActionPermission = { allowed: true };
const no = (reason: string): ActionPermission => ({ allowed: false, reason });

/** The key recorded in `slot` ('9A' or '9E'), if any. */
export function recordedKey(card: CardRecord, slot: '9A' | '9E'): CardKey | undefined {
  return (card.keys as CardKey[]).find((k) => k.slot === slot.toLowerCase());
}

function stateReason(state: CardState, wanted: readonly CardState[]): string | undefined {
  if (wanted.includes(state)) return undefined;
  if (state === 'retired') return 'The card is retired; it can no longer be used.';
  return `The card is ${state}; this needs a card that is ${wanted.join(' or ')}.`;
}

function activation(card: CardRecord): ActionPermission {
  const state = stateReason(card.state as CardState, ['issued']);
  if (state) return no(state);
  if (!recordedKey(card, '9A'))
    return no(
      'The card template did not record a PIV Authentication key (9A) at issuance, so the card cannot prove itself here: ask an operator to activate it.',
    );
  return yes;
}

/** The holder's *Request a TAP*: the shared template rules (src/relay-api/tap-rules.ts), then the card's. */
function tapRequest(
  card: CardRecord,
  rules: HolderTap<PublishedEmailBody> | null,
): HolderCard['actions']['requestTap'] {
  if (!rules)
    return {
      ...no('The card template cannot be read; ask an administrator.'),
      forceAuthentication: false,
      showCode: false,
      deliverByEmail: false,
    };
  const shape = {
    forceAuthentication: rules.forceAuthentication,
    showCode: rules.showCode,
    deliverByEmail: rules.deliverByEmail,
  };
  if (!rules.allowed) return { ...no(rules.reason), ...shape };
  const state = stateReason(card.state as CardState, ['active']);
  if (state) return { ...no(state), ...shape };
  if (rules.forceAuthentication && !recordedKey(card, '9A'))
    return {
      ...no('The template asks the card to prove itself, but no PIV Authentication key (9A) was recorded at issuance.'),
      ...shape,
    };
  return { ...yes, ...shape };
}

/** The published emails `template` names (its Deliver emails and Initiate Card emails), by id. */
async function namedEmails(
  db: Kysely<Schema>,
  t: CardTemplateBody | undefined,
): Promise<FindEmail<PublishedEmailBody>> {
  const ids = t
    ? [t.tap.forceAuthenticationDeliverTemplateId, t.tap.operatorDeliverTemplateId, ...t.initiate.exportTemplateIds]
    : [];
  const found = new Map<string, PublishedEmailBody>();
  for (const id of new Set(ids)) {
    const email = id === null ? undefined : await newestPublishedEmail(db, id);
    if (email) found.set(email.record.id, email);
  }
  return (id) => found.get(id);
}

function unblocking(card: CardRecord, t: CardTemplateBody | undefined): ActionPermission {
  if (!t) return no('The card template cannot be read; ask an administrator.');
  if (!t.issue.selfServiceUnblock)
    return no('The card template does not let holders unblock their PIN here: ask an operator to unblock it.');
  const state = stateReason(card.state as CardState, ['active', 'locked']);
  if (state) return no(state);
  if (!recordedKey(card, '9E'))
    return no(
      'The card template did not record a Card Authentication key (9E) at issuance, which unblocking without the PIN needs: ask an operator to unblock it.',
    );
  return yes;
}

/** The holder's view of `card` and its template. */
export async function holderView(db: Kysely<Schema>, card: CardRecord): Promise<HolderView> {
  const published = await getTemplate(db, 'card', card.template_id, card.template_version);
  const parsed = published && CardTemplateBody.safeParse(published.body);
  const template = parsed?.success ? parsed.data : undefined;
  const emails = await namedEmails(db, template);
  const tap = template ? holderTap(template.tap, emails) : null;
  const proofKeys = (card.keys as CardKey[]).flatMap((k) =>
    k.slot === '9a' || k.slot === '9e' ? [{ slot: k.slot.toUpperCase() as '9A' | '9E', algorithm: k.algorithm }] : [],
  );
  const view: HolderCard = {
    cardId: card.card_id,
    serial: card.serial === null ? null : Number(card.serial),
    state: card.state as CardState,
    template: { id: card.template_id, version: card.template_version, name: published?.name ?? '' },
    pinPolicy: template?.issue.pinPolicy ?? PIV_PIN_RULE,
    proofKeys,
    actions: {
      activate: activation(card),
      requestTap: tapRequest(card, tap),
      unblock: unblocking(card, template),
    },
  };
  return { card, template, templateName: published?.name ?? '', view, tap, emails };
}

/** The permission of `purpose` in a view. */
export function permissionFor(view: HolderCard, purpose: SelfServicePurpose): ActionPermission {
  return purpose === 'activate'
    ? view.actions.activate
    : purpose === 'unblock'
      ? view.actions.unblock
      : view.actions.requestTap;
}

export { PROOF_SLOT };
