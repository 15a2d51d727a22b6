/**
 * This browser's copy of the templates the relay published (DESIGN.md, "The service and its database"):
 * the app's working copy, readable offline, replaced from the service whenever it answers. Templates an
 * older Keyward kept only here (no `publication`) stay beside the copy until an administrator uploads
 * them (src/workflows/legacy-upload.ts); the copy never serves them for new work.
 */
import {
  openKeywardDb,
  type CardTemplateRecord,
  type ExportTemplateRecord,
  type Publication,
  type StoredTemplate,
} from './db';

export type { Publication, StoredTemplate } from './db';

/** The record type kept for each kind of template (the relay's `TemplateKind`). */
export interface TemplateRecords {
  card: CardTemplateRecord;
  export: ExportTemplateRecord;
}
export type TemplateKind = keyof TemplateRecords;

const STORE = { card: 'cardTemplates', export: 'exportTemplates' } as const;

/** One template as the relay published it, to be kept in the copy. */
export type PublishedEntry = {
  [K in TemplateKind]: { kind: K; record: TemplateRecords[K]; publication: Publication };
}[TemplateKind];

/** Every template of `kind` this browser holds, published or not, by name. */
export async function readTemplates<K extends TemplateKind>(kind: K): Promise<StoredTemplate<TemplateRecords[K]>[]> {
  const db = await openKeywardDb();
  return (await db.getAllFromIndex(STORE[kind], 'name')) as StoredTemplate<TemplateRecords[K]>[];
}

/** Templates of `kind` an older Keyward kept in this browser only: never published. */
export async function unpublishedTemplates<K extends TemplateKind>(kind: K): Promise<TemplateRecords[K][]> {
  return (await readTemplates(kind)).filter((t) => !t.publication);
}

/**
 * Makes the copy what the relay says, in one transaction: every published template is written with its
 * publication, and a published one the relay no longer lists is dropped. Templates never published stay.
 */
export async function mirrorPublished(entries: readonly PublishedEntry[]): Promise<void> {
  const tx = (await openKeywardDb()).transaction(['cardTemplates', 'exportTemplates'], 'readwrite');
  const listed = new Set(entries.map((e) => `${e.kind}/${e.record.id}`));
  const writes: Promise<unknown>[] = [];
  for (const kind of ['card', 'export'] as const) {
    const store = tx.objectStore(STORE[kind]);
    for (const held of await store.getAll())
      if (held.publication && !listed.has(`${kind}/${held.id}`)) writes.push(store.delete(held.id));
  }
  for (const e of entries) writes.push(tx.objectStore(STORE[e.kind]).put({ ...e.record, publication: e.publication }));
  await Promise.all([...writes, tx.done]);
}

/** Writes one template the relay just published (or withdrew) into the copy. */
export async function keepPublished(entry: PublishedEntry): Promise<void> {
  const db = await openKeywardDb();
  await db.put(STORE[entry.kind], { ...entry.record, publication: entry.publication });
}
