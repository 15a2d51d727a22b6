/**
 * The card registry: one row per card with a row version, and an append-only event per transition.
 *
 * Two operators may act on the same card at once. A transition names the version it read, and is a
 * compare-and-set on that version inside one transaction with its card event and its audit row: all
 * three commit together, or nothing does. The loser gets `CARD_CHANGED_ELSEWHERE` carrying the card as
 * it is now, so the operator can see what changed.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError } from '../../src/app-error';
import { appendAuditIn } from '../audit/chain';
import { linkAuditSoon } from '../audit/writer';
import type { CardsTable, Schema } from '../db/schema';

/** Lifecycle states, as src/store/db.ts names them. */
export type CardState = 'blank' | 'issued' | 'active' | 'locked' | 'retired';

/** Operator actions and the states they lead from and to (src/workflows/lifecycle-page.ts). */
export const CARD_TRANSITIONS = {
  // A retired card is factory-fresh again, so it may be issued anew.
  issue: { from: ['blank', 'retired'], to: 'issued' },
  activate: { from: ['issued'], to: 'active' },
  lock: { from: ['active'], to: 'locked' },
  unblock: { from: ['locked'], to: 'active' },
  retire: { from: ['issued', 'active', 'locked'], to: 'retired' },
} as const satisfies Record<string, { from: readonly CardState[]; to: CardState }>;

/** A transition's name. */
export type CardTransition = keyof typeof CARD_TRANSITIONS;

/** A card as the registry holds it. */
export type CardRecord = Selectable<CardsTable>;

/** Who acts. */
export interface Actor {
  oid: string;
  name: string;
}

/** What a transition asks for. */
export interface TransitionRequest {
  cardId: string;
  transition: CardTransition;
  /** The version the operator read: 0 for a card the registry does not know yet. */
  expectedVersion: number;
  /** For `issue`: the binding. */
  issue?: {
    holderOid: string;
    holderName: string;
    templateId: string;
    templateVersion: number;
    credentialType: string;
    chuidGuid: string;
  };
}

/** A card the registry has never seen, as a transition reads it. */
function blankCard(cardId: string): CardRecord {
  return {
    card_id: cardId,
    state: 'blank',
    holder_oid: '',
    holder_name: '',
    template_id: '',
    template_version: 0,
    credential_type: '',
    chuid_guid: '',
    issued_by: '',
    updated_at: new Date(0),
    version: 0,
  };
}

/** The card, or undefined when the registry has no row for it. */
export function getCard(db: Kysely<Schema>, cardId: string): Promise<CardRecord | undefined> {
  return db.selectFrom('cards').selectAll().where('card_id', '=', cardId).executeTakeFirst();
}

function changedElsewhere(current: CardRecord): AppError {
  return new AppError(
    'relay',
    'CARD_CHANGED_ELSEWHERE',
    'The card was changed by someone else since it was read; look at it again before acting.',
    { status: 409, retryable: false, current },
  );
}

/** The row after `request` is applied to `card`. */
function nextRow(card: CardRecord, request: TransitionRequest, actor: Actor, at: Date): CardRecord {
  const to = CARD_TRANSITIONS[request.transition].to;
  const base = { ...card, state: to, updated_at: at, version: card.version + 1 };
  if (request.transition === 'issue') {
    const issue = request.issue;
    if (!issue)
      throw new AppError('relay', 'INVALID_REQUEST', 'Issuing a card needs its holder and template.', { status: 400 });
    return {
      ...base,
      holder_oid: issue.holderOid,
      holder_name: issue.holderName,
      template_id: issue.templateId,
      template_version: issue.templateVersion,
      credential_type: issue.credentialType,
      chuid_guid: issue.chuidGuid,
      issued_by: actor.oid,
    };
  }
  // Retiring removes the binding: the card is factory-fresh again.
  return request.transition === 'retire' ? { ...base, holder_oid: '', holder_name: '', chuid_guid: '' } : base;
}

/** Writes `next` if the row is still at `expected`; false when another transaction got there first. */
async function compareAndSet(tx: Transaction<Schema>, next: CardRecord, expected: number): Promise<boolean> {
  if (expected === 0) {
    const inserted = await tx
      .insertInto('cards')
      .values(next)
      .onConflict((oc) => oc.column('card_id').doNothing())
      .returning('version')
      .executeTakeFirst();
    return inserted !== undefined;
  }
  const { card_id: cardId, ...changes } = next;
  const updated = await tx
    .updateTable('cards')
    .set(changes)
    .where('card_id', '=', cardId)
    .where('version', '=', expected)
    .executeTakeFirst();
  return updated.numUpdatedRows === 1n;
}

/**
 * Applies a transition as a compare-and-set on the card's version, with its card event and audit row
 * in the same transaction.
 *
 * @throws AppError('relay', 'CARD_CHANGED_ELSEWHERE', …, { status: 409, current }) when the card is no
 *   longer at `expectedVersion`; AppError('relay', 'TRANSITION_NOT_ALLOWED', …, { status: 409, current })
 *   when its state does not allow the transition.
 */
export async function transitionCard(
  db: Kysely<Schema>,
  request: TransitionRequest,
  actor: Actor,
  at = new Date(),
): Promise<CardRecord> {
  const changed = await db.transaction().execute(async (tx) => {
    const card =
      (await tx.selectFrom('cards').selectAll().where('card_id', '=', request.cardId).executeTakeFirst()) ??
      blankCard(request.cardId);
    if (card.version !== request.expectedVersion) throw changedElsewhere(card);
    const rule = CARD_TRANSITIONS[request.transition];
    if (!(rule.from as readonly string[]).includes(card.state)) {
      throw new AppError(
        'relay',
        'TRANSITION_NOT_ALLOWED',
        `A card that is ${card.state} cannot be given '${request.transition}'.`,
        { status: 409, retryable: false, current: card },
      );
    }
    const next = nextRow(card, request, actor, at);
    if (!(await compareAndSet(tx, next, request.expectedVersion))) {
      throw changedElsewhere((await getCard(tx, request.cardId)) ?? card);
    }
    await tx
      .insertInto('card_events')
      .values({
        card_id: next.card_id,
        at,
        actor_oid: actor.oid,
        transition: request.transition,
        from_state: card.state,
        to_state: next.state,
        version: next.version,
      })
      .execute();
    // Written pending, so no lock is held: it is chained after the commit (relay/audit/chain.ts).
    const holder = request.transition === 'issue' ? next.holder_name : card.holder_name;
    const entry = {
      actorOid: actor.oid,
      actorName: actor.name,
      action: `card.${request.transition}`,
      targetType: 'card',
      targetId: next.card_id,
      targetLabel: holder === '' ? next.card_id : `${next.card_id} (${holder})`,
      outcome: 'succeeded',
      reason: '',
    };
    await appendAuditIn(tx, [{ entry, at }]);
    return next;
  });
  linkAuditSoon(db);
  return changed;
}
