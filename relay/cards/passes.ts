/**
 * The Temporary Access Pass Keyward created for a card: its Graph id and user, recorded when the PWA
 * creates it (at activation with *System generate Entra ID TAP code*, or an operator's Request TAP Code
 * under the card's template), so that retiring the card or reporting it lost can delete it in Graph.
 * Never the code. One row per card; a newer pass replaces the older (Graph holds one pass per user).
 *
 * A pass belongs to one binding of the card: it is recorded only for a card in someone's hands whose
 * holder is the pass's user, and read back only when it was created since the card was last issued, so a
 * card retired and issued again never revokes a pass of its former life.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { AppError } from '../../src/app-error';
import type { CardPass, CardPassBody, Person } from '../../src/relay-api/contract';
import type { CardPassesTable, Schema } from '../db/schema';

/** A pass as the registry holds it. */
export type CardPassRecord = Selectable<CardPassesTable>;

/** States in which a card is in someone's hands, so a pass may be created for it. */
const LIVE = ['issued', 'active', 'locked'];

/** The API form (contract `CardPass`). */
export function toCardPass(row: CardPassRecord): CardPass {
  return {
    tapId: row.tap_id,
    userOid: row.user_oid,
    createdAt: row.created_at.toISOString(),
    createdBy: { oid: row.created_by_oid, name: row.created_by_name },
  };
}

/**
 * Records `body` as the card's pass, replacing an older one, in one statement that also checks the card.
 *
 * @throws AppError('relay', 'CARD_NOT_REGISTERED', …, { status: 404 }) for a card the registry does not
 *   know; AppError('relay', 'PASS_NOT_FOR_CARD', …, { status: 409, state }) when the card is not in
 *   anyone's hands or its holder is not the pass's user.
 */
export async function recordCardPass(
  db: Kysely<Schema>,
  cardId: string,
  body: CardPassBody,
  actor: Person,
  at = new Date(),
): Promise<CardPassRecord> {
  const row = await db
    .insertInto('card_passes')
    .columns(['card_id', 'tap_id', 'user_oid', 'created_at', 'created_by_oid', 'created_by_name'])
    .expression(
      db
        .selectFrom('cards')
        .select([
          'card_id',
          sql.val(body.tapId).as('tap_id'),
          sql.val(body.userOid).as('user_oid'),
          sql.val(at).as('created_at'),
          sql.val(actor.oid).as('created_by_oid'),
          sql.val(actor.name).as('created_by_name'),
        ])
        .where('card_id', '=', cardId)
        .where('state', 'in', LIVE)
        .where('holder_oid', '=', body.userOid),
    )
    .onConflict((oc) =>
      oc.column('card_id').doUpdateSet((eb) => ({
        tap_id: eb.ref('excluded.tap_id'),
        user_oid: eb.ref('excluded.user_oid'),
        created_at: eb.ref('excluded.created_at'),
        created_by_oid: eb.ref('excluded.created_by_oid'),
        created_by_name: eb.ref('excluded.created_by_name'),
      })),
    )
    .returningAll()
    .executeTakeFirst();
  if (row) return row;
  const card = await db.selectFrom('cards').select(['state']).where('card_id', '=', cardId).executeTakeFirst();
  if (!card)
    throw new AppError('relay', 'CARD_NOT_REGISTERED', 'The registry has no record of this card.', { status: 404 });
  throw new AppError(
    'relay',
    'PASS_NOT_FOR_CARD',
    `The card is ${card.state} and not held by the pass's user, so the pass was not recorded against it.`,
    { status: 409, retryable: false, state: card.state },
  );
}

/** The pass recorded for the card since it was last issued, or undefined. */
export async function getCardPass(db: Kysely<Schema>, cardId: string): Promise<CardPassRecord | undefined> {
  return db
    .selectFrom('card_passes as p')
    .innerJoin('cards as c', 'c.card_id', 'p.card_id')
    .selectAll('p')
    .where('p.card_id', '=', cardId)
    .where((eb) => eb.or([eb('c.issued_at', 'is', null), eb('p.created_at', '>=', eb.ref('c.issued_at'))]))
    .executeTakeFirst();
}
