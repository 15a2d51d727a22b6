/**
 * The one adapter around IndexedDB (via `idb`): the schema and its numbered upgrade steps.
 *
 * Each step upgrades from version i to i+1 and never changes once released; add a step to change the
 * schema. Nothing secret is ever written here (no PIN, PUK, activation PIN, TAP code or key).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/** A saved connection's settings, keyed by connection id (e.g. `'entra'`, `'relay'`). */
export interface ConnectionRecord {
  readonly id: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
}

/** Who did what to whom, and how it ended. Never a PIN, PUK, TAP code or key: TAP ids only. */
export interface AuditRecord {
  /** Assigned by IndexedDB on insert. */
  readonly seq?: number;
  readonly at: string;
  readonly actor: { readonly oid: string; readonly name: string; readonly upn: string };
  readonly action: string;
  readonly target?: { readonly userId: string; readonly upn?: string; readonly displayName?: string };
  readonly tapId?: string;
  readonly outcome: 'success' | 'failure';
  /** An error code or a short secret-free note. */
  readonly detail?: string;
}

/**
 * A data-export email template (Options > Connections > Data Export): `${Variable}` placeholders in
 * To, Cc, Subject and the bodies (src/mail/template.ts). The rendered message is sent by the relay.
 */
export interface ExportTemplateRecord {
  readonly id: string;
  readonly name: string;
  readonly target: 'email';
  /** Send without asking the operator when the workflow reaches this export. */
  readonly sendAutomatically: boolean;
  /** The SMTP connector: the relay configured under Options > Connections. */
  readonly connector: 'relay';
  readonly to: string;
  readonly cc: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly updatedAt: string;
}

/** The typed schema, version by version. */
export interface KeywardDb extends DBSchema {
  connections: { key: string; value: ConnectionRecord };
  audit: { key: number; value: AuditRecord; indexes: { at: string } };
  exportTemplates: { key: string; value: ExportTemplateRecord; indexes: { name: string } };
}

export const DB_NAME = 'keyward';

type Step = (db: IDBPDatabase<KeywardDb>) => void;

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
];

export const DB_VERSION = UPGRADES.length;

let opening: Promise<IDBPDatabase<KeywardDb>> | undefined;

/**
 * Opens (once per page) the Keyward database. When a newer Keyward in another tab needs to upgrade,
 * this tab closes its connection so the upgrade is not blocked; `onStale` lets the UI ask for a reload.
 */
export function openKeywardDb(onStale: () => void = () => undefined): Promise<IDBPDatabase<KeywardDb>> {
  opening ??= openDB<KeywardDb>(DB_NAME, DB_VERSION, {
    upgrade(database, oldVersion) {
      for (let v = oldVersion; v < DB_VERSION; v++) UPGRADES[v]!(database);
    },
    blocking(_current, _next, event) {
      (event.target as IDBDatabase).close();
      opening = undefined;
      onStale();
    },
  });
  return opening;
}
