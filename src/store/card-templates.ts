/**
 * Repository for credential (card) templates. A template holds settings only: never a PIN, PUK, TAP
 * code or key; deliveries refer to data-export templates by id.
 */
import { openKeywardDb, type CardTemplateRecord } from './db';

export type { CardTemplateRecord } from './db';

/** All card templates, by name. */
export async function listCardTemplates(): Promise<CardTemplateRecord[]> {
  return (await openKeywardDb()).getAllFromIndex('cardTemplates', 'name');
}

/** One card template, or undefined. */
export async function getCardTemplate(id: string): Promise<CardTemplateRecord | undefined> {
  return (await openKeywardDb()).get('cardTemplates', id);
}

/** Creates or replaces a card template (names are unique: a clash rejects with a ConstraintError). */
export async function putCardTemplate(record: CardTemplateRecord): Promise<void> {
  await (await openKeywardDb()).put('cardTemplates', record);
}

/** Deletes a card template. */
export async function deleteCardTemplate(id: string): Promise<void> {
  await (await openKeywardDb()).delete('cardTemplates', id);
}
