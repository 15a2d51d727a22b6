/**
 * Card templates in this browser's copy (src/store/template-copy.ts keeps it in step with the relay). A
 * template holds settings only: never a PIN, PUK, TAP code or key; deliveries refer to data-export
 * templates by id.
 */
import { openKeywardDb, type CardTemplateRecord } from './db';

export type { CardTemplateRecord } from './db';

/** Every card template in the copy, published or not, by name. */
export async function listCardTemplates(): Promise<CardTemplateRecord[]> {
  return (await openKeywardDb()).getAllFromIndex('cardTemplates', 'name');
}

/** One card template of the copy, or undefined. */
export async function getCardTemplate(id: string): Promise<CardTemplateRecord | undefined> {
  return (await openKeywardDb()).get('cardTemplates', id);
}

/** Writes a card template into the copy as this browser alone holds it (unpublished). */
export async function putCardTemplate(record: CardTemplateRecord): Promise<void> {
  await (await openKeywardDb()).put('cardTemplates', record);
}
