/**
 * Options > Security > Backup: the administrator's configuration (this browser's connections, and the
 * data-export and card templates the relay publishes) as one versioned JSON file, and its import. Never
 * the master key, the registry, the journal or the audit trail.
 *
 * The file is canonical (fields in a fixed order, lists by id, setting keys sorted, two-space indent), so
 * export → import → export gives the same bytes. An import is checked completely before anything is
 * written; then the connections replace this browser's in one IndexedDB transaction, and the templates are
 * published through the relay (administrators), never over a template published with other content.
 */
import { AppError } from '../app-error';
import type { CardTemplateRecord, ConnectionRecord, ExportTemplateRecord } from '../store/db';
import { readConnections, replaceConnections } from '../store/config-transfer';
import { canonicalCardTemplate, cardTemplateProblems } from './card-template-rules';
import { draftOf, draftProblems, FIELD_LIMITS } from './export-templates';
import { describeProblems, FieldChecks, join, type FieldProblem } from './field-checks';
import type { RelayTemplateStore } from './template-store';
import { uploadTemplates, type TemplateUploadResult } from './template-upload';

/** Everything a configuration file holds, each list in id order. */
export interface ConfigurationRecords {
  readonly connections: readonly ConnectionRecord[];
  readonly exportTemplates: readonly ExportTemplateRecord[];
  readonly cardTemplates: readonly CardTemplateRecord[];
}

export const CONFIG_FORMAT = 'keyward-configuration';
export const CONFIG_VERSION = 1;

const ROOT_KEYS = ['format', 'version', 'connections', 'exportTemplates', 'cardTemplates'] as const;
const EXPORT_KEYS = [
  'id',
  'name',
  'target',
  'sendAutomatically',
  'connector',
  'to',
  'cc',
  'subject',
  'text',
  'html',
  'updatedAt',
] as const;

/**
 * A card template's reference to a data-export template the file does not hold (the relay's card template
 * names an email since withdrawn, or never published): imported as it is, and listed, since the relay refuses
 * every delivery through it until an email with that id is published.
 */
export interface UnresolvedEmail {
  readonly cardTemplate: string;
  /** The field, e.g. `tap.operatorDeliverTemplateId`. */
  readonly field: string;
  readonly exportTemplateId: string;
}

/** A checked configuration file. */
export interface ParsedConfiguration extends ConfigurationRecords {
  readonly unresolvedEmails: readonly UnresolvedEmail[];
}

/** What an import did: how many connection settings it replaced, and what it published or could not. */
export interface ImportSummary extends TemplateUploadResult {
  readonly connections: number;
  readonly unresolvedEmails: readonly UnresolvedEmail[];
}

/** The configuration as a backup file: this browser's connections and the published templates. */
export async function exportConfiguration(store: RelayTemplateStore): Promise<{ fileName: string; text: string }> {
  const strip = <T extends object>({ publication: _p, ...record }: T & { publication: unknown }) => record;
  const text = serializeConfiguration({
    connections: await readConnections(),
    exportTemplates: (await store.published('export')).map(strip),
    cardTemplates: (await store.published('card')).map(strip),
  });
  return { fileName: `keyward-configuration-${new Date().toISOString().slice(0, 10)}.json`, text };
}

/** The canonical text of a configuration. */
export function serializeConfiguration(c: ConfigurationRecords): string {
  const byId = <T extends { id: string }>(list: readonly T[]) =>
    [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const file = {
    format: CONFIG_FORMAT,
    version: CONFIG_VERSION,
    connections: byId(c.connections).map((r) => ({ id: r.id, settings: sortKeys(r.settings), updatedAt: r.updatedAt })),
    exportTemplates: byId(c.exportTemplates).map(canonicalExportTemplate),
    cardTemplates: byId(c.cardTemplates).map(canonicalCardTemplate),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Checks `text` completely, then replaces this browser's connections with the file's and publishes its
 * templates through the relay (./template-upload.ts: published, unchanged, or conflicts left as the relay
 * has them). Throws `AppError('workflows', 'INVALID_CONFIGURATION', …, { problems })` and changes nothing
 * when anything is wrong.
 */
export async function importConfiguration(text: string, store: RelayTemplateStore): Promise<ImportSummary> {
  const config = parseConfiguration(text);
  const uploaded = await uploadTemplates(store, [
    ...config.exportTemplates.map((record) => ({ kind: 'export' as const, record })),
    ...config.cardTemplates.map((record) => ({ kind: 'card' as const, record })),
  ]);
  await replaceConnections(config.connections);
  return { ...uploaded, connections: config.connections.length, unresolvedEmails: config.unresolvedEmails };
}

/** Parses and checks a backup; throws `INVALID_CONFIGURATION` listing every problem by field path. */
export function parseConfiguration(text: string): ParsedConfiguration {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalid([{ path: '', message: 'is not JSON' }], e);
  }
  const c = new FieldChecks();
  const root = c.object(value, '', ROOT_KEYS);
  if (!root) throw invalid(c.problems);
  if (root.format !== CONFIG_FORMAT) c.add('format', `must be "${CONFIG_FORMAT}"`);
  if (root.version !== CONFIG_VERSION) c.add('version', `must be ${CONFIG_VERSION}`);
  const connections = c.array(root.connections, 'connections') ?? [];
  const exports = c.array(root.exportTemplates, 'exportTemplates') ?? [];
  const cards = c.array(root.cardTemplates, 'cardTemplates') ?? [];
  connections.forEach((r, i) => checkConnection(c, r, `connections[${i}]`));
  exports.forEach((r, i) => checkExportTemplate(c, r, `exportTemplates[${i}]`, exports));
  const exportIds = new Set(
    exports.map((r) => (r as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === 'string'),
  );
  const unresolvedEmails: UnresolvedEmail[] = [];
  cards.forEach((r, i) => checkCardTemplate(c, r, i, cards, exportIds, unresolvedEmails));
  for (const [list, path] of [
    [connections, 'connections'],
    [exports, 'exportTemplates'],
    [cards, 'cardTemplates'],
  ] as const)
    uniqueIds(c, list, path);
  if (c.problems.length) throw invalid(c.problems);
  return {
    connections: (connections as ConnectionRecord[]).map((r) => ({
      id: r.id,
      settings: sortKeys(r.settings),
      updatedAt: r.updatedAt,
    })),
    exportTemplates: (exports as ExportTemplateRecord[]).map(canonicalExportTemplate),
    cardTemplates: (cards as CardTemplateRecord[]).map(canonicalCardTemplate),
    unresolvedEmails,
  };
}

function checkConnection(c: FieldChecks, v: unknown, path: string): void {
  const o = c.object(v, path, ['id', 'settings', 'updatedAt']);
  if (!o) return;
  c.string(o.id, join(path, 'id'), 100, true);
  if (c.object(o.settings, join(path, 'settings')) && !isJsonTree(o.settings))
    c.add(join(path, 'settings'), 'must hold only text, numbers, true/false, null, lists and objects');
  c.timestamp(o.updatedAt, join(path, 'updatedAt'));
}

function checkExportTemplate(c: FieldChecks, v: unknown, path: string, all: readonly unknown[]): void {
  const o = c.object(v, path, EXPORT_KEYS);
  if (!o) return;
  const before = c.problems.length;
  c.string(o.id, join(path, 'id'), 100, true);
  if (o.target !== 'email') c.add(join(path, 'target'), 'must be "email"');
  if (o.connector !== 'relay') c.add(join(path, 'connector'), 'must be "relay"');
  c.boolean(o.sendAutomatically, join(path, 'sendAutomatically'));
  for (const f of ['name', 'to', 'cc', 'subject', 'text', 'html'] as const)
    c.string(o[f], join(path, f), FIELD_LIMITS[f]);
  c.timestamp(o.updatedAt, join(path, 'updatedAt'));
  if (c.problems.length > before) return;
  // Well-formed: now the editor's own rules (required fields, addresses, variables, unique names).
  const record = o as unknown as ExportTemplateRecord;
  const others = all.filter(
    (x) => x !== v && typeof (x as { name?: unknown } | null)?.name === 'string',
  ) as ExportTemplateRecord[];
  for (const [field, problems] of Object.entries(draftProblems(draftOf(record), others, record.id))) {
    for (const p of problems ?? []) c.add(join(path, field), `is invalid: ${p}`);
  }
}

function checkCardTemplate(
  c: FieldChecks,
  v: unknown,
  i: number,
  all: readonly unknown[],
  exportTemplateIds: ReadonlySet<string>,
  unresolved: UnresolvedEmail[],
): void {
  const takenNames = new Set(
    all
      .filter((x, j) => j < i && typeof (x as { name?: unknown } | null)?.name === 'string')
      .map((x) => (x as { name: string }).name.trim().toLowerCase()),
  );
  const cardTemplate = String((v as { name?: unknown } | null)?.name ?? `cardTemplates[${i}]`);
  const onMissingExport = (field: string, exportTemplateId: string) =>
    unresolved.push({ cardTemplate, field, exportTemplateId });
  for (const p of cardTemplateProblems(v, { exportTemplateIds, takenNames, record: true, onMissingExport }))
    c.add(join(`cardTemplates[${i}]`, p.path), p.message);
}

function uniqueIds(c: FieldChecks, list: readonly unknown[], path: string): void {
  const seen = new Set<unknown>();
  list.forEach((r, i) => {
    const id = (r as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && seen.has(id)) c.add(`${path}[${i}].id`, 'is used by an earlier entry');
    seen.add(id);
  });
}

function canonicalExportTemplate(r: ExportTemplateRecord): ExportTemplateRecord {
  return Object.fromEntries(EXPORT_KEYS.map((k) => [k, r[k]])) as unknown as ExportTemplateRecord;
}

function isJsonTree(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonTree);
  return typeof v === 'object' && Object.values(v).every(isJsonTree);
}

/** A copy with object keys sorted at every depth (settings come from forms in any order). */
function sortKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortKeys) as T;
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  ) as T;
}

function invalid(problems: readonly FieldProblem[], cause?: unknown): AppError {
  const lines = describeProblems(problems);
  const shown = lines.slice(0, 5).join('; ') + (lines.length > 5 ? `; and ${lines.length - 5} more` : '');
  return new AppError(
    'workflows',
    'INVALID_CONFIGURATION',
    `The configuration was not imported (nothing changed): ${shown}.`,
    { problems: lines },
    { cause },
  );
}
