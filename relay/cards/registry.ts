/**
 * The card registry: one row per card with a row version, and an append-only event per transition.
 *
 * Two operators may act on the same card at once. A transition names the version it read, and is a
 * compare-and-set on that version inside one transaction with its card event and its audit row: all
 * three commit together, or nothing does. The loser gets `CARD_CHANGED_ELSEWHERE` carrying the card as
 * it is now, so the operator can see what changed.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { AppError } from '../../src/app-error';
import {
  MANAGEMENT_KEY_ALGORITHMS,
  CARD_TRANSITIONS,
  type Card,
  type CardKey,
  type CardState,
  type CardTransition,
  type Person,
  type TransitionBody,
} from '../../src/relay-api/contract';
import { linkAuditSoon } from '../audit/writer';
import { PREPARED } from '../db/connect';
import type { CardsTable, Schema } from '../db/schema';
import { isUsableTemplate } from '../templates/store';
import { cardColumns, runTransition } from './transition-statement';

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
    managementKeyAlgorithm: MANAGEMENT_KEY_ALGORITHMS.find((a) => a === row.management_key_algorithm) ?? null,
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
    management_key_algorithm: '',
  };
}

/** The card, or undefined when the registry has no row for it. */
export async function getCard(db: Kysely<Schema>, cardId: string): Promise<CardRecord | undefined> {
  const { rows } =
    await sql<CardRecord>`${sql.raw(PREPARED)} select ${cardColumns('cards')} from cards where card_id = ${cardId}`.execute(
      db,
    );
  return rows[0];
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

/**
 * Why `request` wrote nothing to the card as it is now, in the order a reader would check: another
 * version first, then a state that does not allow the transition, then the template.
 */
async function whyRefused(db: Kysely<Schema>, request: TransitionRequest): Promise<AppError> {
  const card = (await getCard(db, request.cardId)) ?? blankCard(request.cardId);
  if (card.version !== request.expectedVersion) return changedElsewhere(card);
  const rule = CARD_TRANSITIONS[request.transition];
  if (!(rule.from as readonly string[]).includes(card.state)) {
    return new AppError(
      'relay',
      'TRANSITION_NOT_ALLOWED',
      `A card that is ${card.state} cannot be given '${request.transition}'.`,
      { status: 409, retryable: false, current: card },
    );
  }
  const issue = request.issue;
  if (
    request.transition === 'issue' &&
    issue &&
    !(await isUsableTemplate(db, 'card', issue.templateId, issue.templateVersion))
  ) {
    return new AppError(
      'relay',
      'TEMPLATE_NOT_PUBLISHED',
      `Card template ${issue.templateId} version ${issue.templateVersion} is not published, or was withdrawn.`,
      { status: 409, retryable: false, templateId: issue.templateId, templateVersion: issue.templateVersion },
    );
  }
  // Everything held when read again: the card changed and changed back between the write and the read.
  return changedElsewhere(card);
}

/**
 * Applies a transition as a compare-and-set on the card's version, with its card event and audit row
 * in the same statement (./transition-statement.ts): all three commit together, or nothing does.
 *
 * @throws AppError('relay', 'CARD_CHANGED_ELSEWHERE', …, { status: 409, current }) when the card is no
 *   longer at `expectedVersion`; AppError('relay', 'TRANSITION_NOT_ALLOWED', …, { status: 409, current })
 *   when its state does not allow the transition; AppError('relay', 'TEMPLATE_NOT_PUBLISHED', …,
 *   { status: 409 }) for an issue under a template version that is not published or was withdrawn.
 */
export async function transitionCard(
  db: Kysely<Schema>,
  request: TransitionRequest,
  actor: Actor,
  at = new Date(),
): Promise<CardRecord> {
  if (request.transition === 'issue' && !request.issue)
    throw new AppError('relay', 'INVALID_REQUEST', 'Issuing a card needs its holder and template.', { status: 400 });
  const written = await runTransition(db, request, actor, at);
  if (!written) throw await whyRefused(db, request);
  // Written pending, so no lock was held: it is chained after the commit (relay/audit/chain.ts).
  linkAuditSoon(db);
  return written;
}
