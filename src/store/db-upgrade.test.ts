/**
 * Step 5 of the IndexedDB schema (db.ts): a browser that an older Keyward used keeps its templates, and
 * its copy may now hold a published template with the same name as one of them.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { expect, it } from 'vitest';
import { cardTemplate } from '../../relay/templates/template-fixture';
import { DB_NAME, DB_VERSION, openKeywardDb } from './db';

it('upgrades a version-4 database: templates kept, names no longer unique, a place for markers', async () => {
  // The version-4 schema as the older Keyward made it (db.ts steps 1 to 4), with one template in it.
  const old = await openDB(DB_NAME, 4, {
    upgrade(db) {
      for (const name of ['exportTemplates', 'cardTemplates'])
        db.createObjectStore(name, { keyPath: 'id' }).createIndex('name', 'name', { unique: true });
      for (const name of ['connections', 'keys']) db.createObjectStore(name, { keyPath: 'id' });
      db.createObjectStore('registry', { keyPath: 'cardId' });
      db.createObjectStore('audit', { keyPath: 'seq', autoIncrement: true });
      db.createObjectStore('journal', { keyPath: 'seq', autoIncrement: true });
    },
  });
  await old.put('cardTemplates', cardTemplate('tpl-old', 'Standard'));
  old.close();

  const db = await openKeywardDb();
  expect(db.version).toBe(DB_VERSION);
  expect(DB_VERSION).toBe(6);
  expect((await db.get('cardTemplates', 'tpl-old'))?.publication).toBeUndefined();
  await db.put('cardTemplates', { ...cardTemplate('tpl-new', 'Standard') });
  expect((await db.getAllFromIndex('cardTemplates', 'name', 'Standard')).map((t) => t.id).sort()).toEqual([
    'tpl-new',
    'tpl-old',
  ]);
  await db.put('markers', { id: 'legacy-upload', at: '2026-12-05T08:00:00.000Z' });
  expect(await db.get('markers', 'legacy-upload')).toBeDefined();
});
