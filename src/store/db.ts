/**
 * The one adapter around IndexedDB (via `idb`): the schema and its numbered upgrade steps.
 *
 * Each step upgrades from version i to i+1 and never changes once released; add a step to change the
 * schema. Nothing secret is ever written here (no PIN, PUK, activation PIN or TAP code); keys only as
 * non-extractable CryptoKeys (the card master key, the bridge pairing keys).
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type {
  AuditRecord,
  BridgePairingRecord,
  CardTemplateRecord,
  ConnectionRecord,
  ExportTemplateRecord,
  JournalRecord,
  MarkerRecord,
  MasterKeyRecord,
  RegistryRecord,
  StoredTemplate,
} from './records';

export type * from './records';

/** The typed schema, version by version. */
export interface KeywardDb extends DBSchema {
  connections: { key: string; value: ConnectionRecord };
  audit: { key: number; value: AuditRecord; indexes: { at: string } };
  exportTemplates: { key: string; value: StoredTemplate<ExportTemplateRecord>; indexes: { name: string } };
  cardTemplates: { key: string; value: StoredTemplate<CardTemplateRecord>; indexes: { name: string } };
  registry: { key: string; value: RegistryRecord; indexes: { userId: string; state: string } };
  journal: { key: number; value: JournalRecord; indexes: { cardId: string; runId: string } };
  keys: { key: string; value: MasterKeyRecord };
  bridgePairings: { key: string; value: BridgePairingRecord };
  markers: { key: string; value: MarkerRecord };
}

export const DB_NAME = 'keyward';

type Step = (
  db: IDBPDatabase<KeywardDb>,
  tx: IDBPTransaction<KeywardDb, StoreNames<KeywardDb>[], 'versionchange'>,
) => void;

/** Upgrade steps: index i upgrades version i to i+1. */
const UPGRADES: readonly Step[] = [
  (db) => {
    db.createObjectStore('connections', { keyPath: 'id' });
  },
  (db) => {
    db.createObjectStore('audit', { keyPath: 'seq', autoIncrement: true }).createIndex('at', 'at');
  },
  (db) => {
    db.createObjectStore('exportTemplates', { keyPath: 'id' }).createIndex('name', 'name', { unique: true });
  },
  (db) => {
    db.createObjectStore('cardTemplates', { keyPath: 'id' }).createIndex('name', 'name', { unique: true });
    const registry = db.createObjectStore('registry', { keyPath: 'cardId' });
    registry.createIndex('userId', 'userId');
    registry.createIndex('state', 'state');
    const journal = db.createObjectStore('journal', { keyPath: 'seq', autoIncrement: true });
    journal.createIndex('cardId', 'cardId');
    journal.createIndex('runId', 'runId');
    db.createObjectStore('keys', { keyPath: 'id' });
  },
  // The local PC/SC bridge's pairing keys (issue 15).
  (db) => {
    db.createObjectStore('bridgePairings', { keyPath: 'bridgeUrl' });
  },
  (db, tx) => {
    // Templates are now the relay's copy: names are unique there, not per browser, and a template an older
    // version kept here may share a name with a published one until it is uploaded (legacy-upload.ts).
    for (const name of ['cardTemplates', 'exportTemplates'] as const) {
      const store = tx.objectStore(name);
      store.deleteIndex('name');
      store.createIndex('name', 'name');
    }
    db.createObjectStore('markers', { keyPath: 'id' });
  },
];

export const DB_VERSION = UPGRADES.length;

let opening: Promise<IDBPDatabase<KeywardDb>> | undefined;

/**
 * Opens (once per page) the Keyward database. When a newer Keyward in another tab needs to upgrade,
 * this tab closes its connection so the upgrade is not blocked; `onStale` lets the UI ask for a reload.
 */
export function openKeywardDb(onStale: () => void = () => undefined): Promise<IDBPDatabase<KeywardDb>> {
  opening ??= openDB<KeywardDb>(DB_NAME, DB_VERSION, {
    upgrade(database, oldVersion, _newVersion, transaction) {
      for (let v = oldVersion; v < DB_VERSION; v++) UPGRADES[v]!(database, transaction);
    },
    blocking(_current, _next, event) {
      (event.target as IDBDatabase).close();
      opening = undefined;
      onStale();
    },
  });
  return opening;
}
