/**
 * A card transition as one SQL statement: the compare-and-set on the card row, its card event and its
 * pending audit row, chained with data-modifying CTEs. A single statement is its own transaction in
 * PostgreSQL, so the three commit together or not at all, in one round trip instead of seven (begin,
 * read, template check, write, event, audit, commit). At 50 operators on a pool of 10 the round trips,
 * not the work, were what queued.
 *
 * The compare-and-set is the `where version = expected` of the UPDATE: when two transactions update the
 * same row, the second waits for the first to commit and re-checks its condition against the new row
 * (PostgreSQL "READ COMMITTED" re-evaluation, docs §13.2.1), so exactly one wins. A new card is an INSERT
 * … ON CONFLICT DO NOTHING, which waits likewise. When nothing is written the statement returns no row,
 * and the caller reads the card to say why.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { CARD_TRANSITIONS, type CardState, type Person } from '../../src/relay-api/contract';
import { PREPARED } from '../db/connect';
import type { CardsTable, Schema } from '../db/schema';
import type { Selectable } from 'kysely';
import type { TransitionRequest } from './registry';

type CardRow = Selectable<CardsTable>;

/**
 * The card's columns, named: a prepared statement that answered `*` would fail ("cached plan must not
 * change result type") on an instance still running when a newer relay's migration adds a column.
 */
export const CARD_COLUMNS = [
  'card_id',
  'state',
  'holder_oid',
  'holder_name',
  'holder_upn',
  'template_id',
  'template_version',
  'credential_type',
  'serial',
  'chuid_guid',
  'keys',
  'issued_by',
  'issued_by_name',
  'issued_at',
  'lost_at',
  'management_key_algorithm',
  'updated_at',
  'version',
] as const satisfies readonly (keyof CardsTable)[];

/** {@link CARD_COLUMNS} of `table`, for a select list. */
export const cardColumns = (table: string) => sql.join(CARD_COLUMNS.map((c) => sql.ref(`${table}.${c}`)));

/** The columns a transition sets besides state, version and time. */
function changedColumns(request: TransitionRequest, actor: Person, at: Date): Record<string, unknown> {
  const issue = request.issue;
  if (request.transition === 'issue' && issue) {
    return {
      holder_oid: issue.holderOid,
      holder_name: issue.holderName,
      holder_upn: issue.holderUpn,
      template_id: issue.templateId,
      template_version: issue.templateVersion,
      credential_type: issue.credentialType,
      serial: issue.serial === null ? null : String(issue.serial),
      chuid_guid: issue.chuidGuid,
      keys: JSON.stringify(issue.keys),
      issued_by: actor.oid,
      issued_by_name: actor.name,
      issued_at: at,
      lost_at: null,
      management_key_algorithm: issue.managementKeyAlgorithm ?? '',
    };
  }
  if (request.transition !== 'retire') return {};
  // Retiring destroys the keys and removes the binding: the card is factory-fresh again.
  const unbound = {
    holder_oid: '',
    holder_name: '',
    holder_upn: '',
    chuid_guid: '',
    keys: '[]',
    management_key_algorithm: '',
  };
  return request.lost ? { ...unbound, lost_at: at } : unbound;
}

/** `true` when an issue names a card template version that is published and not withdrawn. */
function templateUsable(request: TransitionRequest): RawBuilder<boolean> {
  const issue = request.issue;
  if (request.transition !== 'issue' || !issue) return sql<boolean>`true`;
  return sql<boolean>`exists (select 1 from templates where kind = 'card' and id = ${issue.templateId}
    and version = ${issue.templateVersion} and not withdrawn)`;
}

/** The UPDATE (known card) or INSERT (new card) that writes the row, returning it and its state before. */
function writeCard(request: TransitionRequest, actor: Person, at: Date): RawBuilder<unknown> {
  const to = CARD_TRANSITIONS[request.transition].to;
  const from: readonly CardState[] = CARD_TRANSITIONS[request.transition].from;
  const columns = changedColumns(request, actor, at);
  if (request.expectedVersion === 0) {
    const row = { card_id: request.cardId, state: to, updated_at: at, version: 1, ...columns };
    const names = sql.join(Object.keys(row).map((k) => sql.ref(k)));
    return sql`insert into cards (${names}) select ${sql.join(Object.values(row))}
      where ${templateUsable(request)}
      on conflict (card_id) do nothing
      returning ${cardColumns('cards')}, ${'blank'}::text as from_state, ''::text as from_holder`;
  }
  const set = Object.entries(columns).map(([k, v]) => sql`${sql.ref(k)} = ${v}`);
  // `cur` is the row as this statement's snapshot saw it. Both version conditions must hold: `cur`'s
  // (so from_state is the state at `expected`) and the target's (re-checked after a concurrent commit).
  return sql`update cards set ${sql.join([
    sql`state = ${to}`,
    sql`updated_at = ${at}`,
    sql`version = cards.version + 1`,
    ...set,
  ])}
    from cur
    where cards.card_id = cur.card_id and cards.version = ${request.expectedVersion}
      and cur.version = ${request.expectedVersion} and cur.state = any(${from as CardState[]}::text[])
      and ${templateUsable(request)}
    returning ${cardColumns('cards')}, cur.state as from_state, cur.holder_name as from_holder`;
}

type Written = CardRow & { from_state: string; from_holder: string };

/** The statement for `request` (exported for EXPLAIN in the bench). */
export function transitionStatement(request: TransitionRequest, actor: Person, at: Date): RawBuilder<Written> {
  const stamp = new Date(Math.floor(at.getTime()));
  const holder = request.transition === 'issue' ? sql`w.holder_name` : sql`w.from_holder`;
  // The card's label as every audit writer names it (cardLabel in src/relay-api/audit-contract.ts).
  const label = sql`case when ${holder} = '' then w.card_id else w.card_id || ' (' || ${holder} || ')' end`;
  // A card retired without it in hand is recorded as the lost report it is (the page's refusals use the same verb).
  const action = request.lost ? 'card.lost' : `card.${request.transition}`;
  return sql<Written>`${sql.raw(PREPARED)}
    with cur as (select * from cards where card_id = ${request.cardId}),
    written as (${writeCard(request, actor, stamp)}),
    event as (
      insert into card_events (card_id, at, actor_oid, transition, from_state, to_state, version)
      select w.card_id, ${stamp}, ${actor.oid}, ${request.transition}, w.from_state, w.state, w.version
      from written w),
    entry as (
      -- Pending (no seq, no hashes): it joins the chain after the commit (relay/audit/chain.ts).
      insert into audit (at, actor_oid, actor_name, action, target_type, target_id, target_label, outcome, reason)
      select ${stamp}, ${actor.oid}, ${actor.name}, ${action}, 'card', w.card_id, ${label},
             'succeeded', ''
      from written w)
    select ${cardColumns('written')} from written`;
}

/**
 * Runs the transition's one statement. Returns the card as written, or undefined when nothing was
 * written (another version, a state that does not allow it, or an unusable template).
 */
export async function runTransition(
  db: Kysely<Schema>,
  request: TransitionRequest,
  actor: Person,
  at: Date,
): Promise<CardRow | undefined> {
  const { rows } = await transitionStatement(request, actor, at).execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { from_state: _from, from_holder: _holder, ...card } = row;
  return card;
}
