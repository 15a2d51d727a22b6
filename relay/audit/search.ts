/**
 * Reading the audit trail: filters (actor, target, action, time), keyset paging newest first, and the
 * CSV export. Cells that a spreadsheet would run as a formula are defused (OWASP "CSV Injection").
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema';
import { linkAudit, toAuditRecord, type AuditRecord, type LinkedColumns } from './chain';

/** What an auditor may filter by; all optional, combined with AND. */
export interface AuditFilter {
  /** Entra object id of the actor. */
  actor?: string;
  /** Target id (card id, user object id, template id, …). */
  target?: string;
  action?: string;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
}

/** One page, newest first; `nextBefore` continues it, absent on the last page. */
export interface AuditPage {
  entries: AuditRecord[];
  nextBefore?: number;
}

/** Rows matching `filter` with `seq < before`, newest first, at most `limit`; what has committed is linked first. */
export async function searchAudit(
  db: Kysely<Schema>,
  filter: AuditFilter,
  page: { limit: number; before?: number },
): Promise<AuditPage> {
  await linkAudit(db);
  let query = db.selectFrom('audit').selectAll().where('seq', 'is not', null).$narrowType<LinkedColumns>();
  if (filter.actor !== undefined) query = query.where('actor_oid', '=', filter.actor);
  if (filter.target !== undefined) query = query.where('target_id', '=', filter.target);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (page.before !== undefined) query = query.where('seq', '<', String(page.before));
  // One row more than asked tells whether another page follows.
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(page.limit + 1)
    .execute();
  const entries = rows.slice(0, page.limit).map(toAuditRecord);
  return rows.length > page.limit ? { entries, nextBefore: entries.at(-1)!.seq } : { entries };
}

const CSV_COLUMNS = [
  'seq',
  'at',
  'actor_oid',
  'actor_name',
  'action',
  'target_type',
  'target_id',
  'target_label',
  'outcome',
  'reason',
  'hash',
];

/** One CSV cell (RFC 4180 quoting); a leading = + - @ or tab is prefixed with ' so it stays text. */
function cell(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvLine(e: AuditRecord): string {
  return [
    e.seq,
    e.at,
    e.actor.oid,
    e.actor.name,
    e.action,
    e.target.type,
    e.target.id,
    e.target.label,
    e.outcome,
    e.reason,
    e.hash,
  ]
    .map(cell)
    .join(',');
}

/** Every row matching `filter` as CSV (header first, newest row first, CRLF line ends). */
export async function exportAuditCsv(db: Kysely<Schema>, filter: AuditFilter): Promise<string> {
  const lines = [CSV_COLUMNS.join(',')];
  let before: number | undefined;
  do {
    const page = await searchAudit(db, filter, { limit: 1000, ...(before === undefined ? {} : { before }) });
    for (const entry of page.entries) lines.push(csvLine(entry));
    before = page.nextBefore;
  } while (before !== undefined);
  return `${lines.join('\r\n')}\r\n`;
}
