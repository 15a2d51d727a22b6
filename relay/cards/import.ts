/**
 * Registries that lived in one browser's IndexedDB (before the relay kept the system of record) are
 * uploaded once by an administrator. A card the service does not know is registered at version 1 with an
 * `import` event and a `card.import` audit row, all in one transaction; a card it knows is left exactly
 * as it is and reported as a conflict with the service's record. Nothing is ever overwritten.
 */
import type { Kysely, Transaction } from 'kysely';
import { cardLabel, type CardImportResult, type ImportedCard, type Person } from '../../src/relay-api/contract';
import { appendAuditIn } from '../audit/chain';
import type { Schema } from '../db/schema';
import { toCard } from './registry';

// PostgreSQL takes at most 65,535 parameters per statement: rows go in slices well under that.
const SLICE = 500;

const slices = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / SLICE) }, (_, i) => items.slice(i * SLICE, (i + 1) * SLICE));

function rowOf(card: ImportedCard, at: Date) {
  return {
    card_id: card.cardId,
    state: card.state,
    holder_oid: card.holderOid,
    holder_name: card.holderName,
    holder_upn: card.holderUpn,
    template_id: card.templateId,
    // The old browser registry did not record template versions.
    template_version: 0,
    credential_type: card.credentialType,
    serial: card.serial === null ? null : String(card.serial),
    chuid_guid: '',
    keys: '[]',
    issued_by: '',
    issued_by_name: '',
    issued_at: card.issuedAt === null ? null : new Date(card.issuedAt),
    lost_at: card.lostAt === null ? null : new Date(card.lostAt),
    updated_at: at,
    version: 1,
  };
}

/** Inserts the cards nobody registered yet; returns the ids it inserted. */
async function insertNew(tx: Transaction<Schema>, cards: readonly ImportedCard[], at: Date): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const slice of slices(cards)) {
    const rows = await tx
      .insertInto('cards')
      .values(slice.map((card) => rowOf(card, at)))
      .onConflict((oc) => oc.column('card_id').doNothing())
      .returning('card_id')
      .execute();
    for (const row of rows) inserted.add(row.card_id);
  }
  return inserted;
}

async function record(tx: Transaction<Schema>, cards: readonly ImportedCard[], actor: Person, at: Date) {
  for (const slice of slices(cards)) {
    await tx
      .insertInto('card_events')
      .values(
        slice.map((card) => ({
          card_id: card.cardId,
          at,
          actor_oid: actor.oid,
          transition: 'import',
          from_state: 'blank',
          to_state: card.state,
          version: 1,
        })),
      )
      .execute();
    const entries = slice.map((card) => ({
      entry: {
        actorOid: actor.oid,
        actorName: actor.name,
        action: 'card.import',
        targetType: 'card',
        targetId: card.cardId,
        targetLabel: cardLabel(card.cardId, card.holderName),
        outcome: 'succeeded',
        reason: '',
      },
      at,
    }));
    await appendAuditIn(tx, entries);
  }
}

/** Registers the cards the registry does not know; lists the others with the service's record. */
export async function importCards(
  db: Kysely<Schema>,
  cards: readonly ImportedCard[],
  actor: Person,
  at = new Date(),
): Promise<CardImportResult> {
  return db.transaction().execute(async (tx) => {
    // A card listed twice is registered from its first entry.
    const seen = new Set<string>();
    const unique = cards.filter((card) => !seen.has(card.cardId) && seen.add(card.cardId));
    const inserted = await insertNew(tx, unique, at);
    const imported = unique.filter((card) => inserted.has(card.cardId));
    await record(tx, imported, actor, at);
    const conflictIds = [...seen].filter((id) => !inserted.has(id));
    const current = conflictIds.length
      ? await tx.selectFrom('cards').selectAll().where('card_id', 'in', conflictIds).execute()
      : [];
    return {
      imported: imported.map((card) => card.cardId),
      conflicts: current.map((row) => ({ cardId: row.card_id, current: toCard(row) })),
    };
  });
}
