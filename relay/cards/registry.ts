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
import {
  CARD_TRANSITIONS,
  type Card,
  type CardKey,
  type CardState,
  type CardTransition,
  type Person,
  type TransitionBody,
} from '../../src/relay-api/contract';
import { appendAuditIn } from '../audit/chain';
import { linkAuditSoon } from '../audit/writer';
import type { CardsTable, Schema } from '../db/schema';
import { isUsableTemplate } from '../templates/store';

/** A card as the registry holds it. */
export type CardRecord = Selectable<CardsTable>;

/** Who acts. */
export type Actor = Person;

/** What a transition asks for: the contract's `TransitionBody` for one card. */
export interface TransitionRequest extends Omit<TransitionBody, 'issue' | 'lost'> {
  cardId: string;
  transition: CardTransition;
  /** For `issue`: the binding, its template version and the keys generated on the card. */
  issue?: TransitionBody['issue'];
  /** For `retire`: reported lost or stolen. */
  lost?: boolean;
}

/** The card's API form (contract `Card`). */
export function toCard(row: CardRecord): Card {
  return {
    cardId: row.card_id,
    state: row.state as CardState,
    holder: { oid: row.holder_oid, name: row.holder_name, upn: row.holder_upn },
    template: { id: row.template_id, version: row.template_version },
    credentialType: row.credential_type,
    serial: row.serial === null ? null : Number(row.serial),
    chuidGuid: row.chuid_guid,
    keys: row.keys as CardKey[],
    issuedBy: row.issued_by === '' ? null : { oid: row.issued_by, name: row.issued_by_name },
    issuedAt: row.issued_at?.toISOString() ?? null,
    lostAt: row.lost_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
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
    holder_upn: '',
    serial: null,
    keys: [],
    issued_by_name: '',
    issued_at: null,
    lost_at: null,
  };
}

/** The card, or undefined when the registry has no row for it. */
export function getCard(db: Kysely<Schema>, cardId: string): Promise<CardRecord | undefined> {
  return db.selectFrom('cards').selectAll().where('card_id', '=', cardId).executeTakeFirst();
}

/** Cards of a holder and/or in a state, the most recently changed first. */
export async function listCards(
  db: Kysely<Schema>,
  query: { holder?: string | undefined; state?: CardState | undefined; limit: number },
): Promise<Card[]> {
  let select = db.selectFrom('cards').selectAll();
  if (query.holder !== undefined) select = select.where('holder_oid', '=', query.holder);
  if (query.state !== undefined) select = select.where('state', '=', query.state);
  const rows = await select.orderBy('updated_at', 'desc').orderBy('card_id').limit(query.limit).execute();
  return rows.map(toCard);
}

function changedElsewhere(current: CardRecord): AppError {
  return new AppError(
    'relay',
    'CARD_CHANGED_ELSEWHERE',
    'The card was changed by someone else since it was read; look at it again before acting.',
    { status: 409, retryable: false, current },
  );
}

/** Refuses an issue under a card template that is not published, or withdrawn. */
async function requirePublishedTemplate(tx: Transaction<Schema>, request: TransitionRequest): Promise<void> {
  const issue = request.issue;
  if (request.transition !== 'issue' || !issue) return;
  if (await isUsableTemplate(tx, 'card', issue.templateId, issue.templateVersion)) return;
  throw new AppError(
    'relay',
    'TEMPLATE_NOT_PUBLISHED',
    `Card template ${issue.templateId} version ${issue.templateVersion} is not published, or was withdrawn.`,
    { status: 409, retryable: false, templateId: issue.templateId, templateVersion: issue.templateVersion },
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
      holder_upn: issue.holderUpn,
      template_id: issue.templateId,
      template_version: issue.templateVersion,
      credential_type: issue.credentialType,
      serial: issue.serial === null ? null : String(issue.serial),
      chuid_guid: issue.chuidGuid,
      keys: issue.keys,
      issued_by: actor.oid,
      issued_by_name: actor.name,
      issued_at: at,
      lost_at: null,
    };
  }
  if (request.transition !== 'retire') return base;
  // Retiring destroys the keys and removes the binding: the card is factory-fresh again.
  const unbound = { ...base, holder_oid: '', holder_name: '', holder_upn: '', chuid_guid: '', keys: [] };
  return request.lost ? { ...unbound, lost_at: at } : unbound;
}

/** Writes `next` if the row is still at `expected`; false when another transaction got there first. */
async function compareAndSet(tx: Transaction<Schema>, card: CardRecord, expected: number): Promise<boolean> {
  const next = { ...card, keys: JSON.stringify(card.keys) };
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
    await requirePublishedTemplate(tx, request);
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
