/**
 * Published templates: card templates and data-export (email) templates, versioned. Publishing adds the
 * next version; nothing is ever overwritten or deleted, because issued cards name the version they were
 * issued under. Withdrawing marks every version of a template unusable for new work (it stays readable).
 *
 * Both changes are a compare-and-set on the newest version, under a per-template lock, in one transaction
 * with their audit row. The loser gets `TEMPLATE_CHANGED_ELSEWHERE` with the template as it is now.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { AppError } from '../../src/app-error';
import type { Person, PublishedTemplate, TemplateKind } from '../../src/relay-api/contract';
import { appendAuditIn } from '../audit/chain';
import type { Schema, TemplatesTable } from '../db/schema';

type Row = Selectable<TemplatesTable>;

/** A template's API form. */
export function templateJson(row: Row): PublishedTemplate {
  return {
    kind: row.kind as TemplateKind,
    id: row.id,
    version: row.version,
    name: row.name,
    body: row.body,
    publishedAt: row.published_at.toISOString(),
    publishedBy: { oid: row.published_by_oid, name: row.published_by_name },
    withdrawn: row.withdrawn,
  };
}

/** The newest version of every template, card templates first, then by name. */
export async function listTemplates(db: Kysely<Schema>): Promise<PublishedTemplate[]> {
  const rows = await db
    .selectFrom('templates')
    .selectAll()
    .distinctOn(['kind', 'id'])
    .orderBy('kind')
    .orderBy('id')
    .orderBy('version', 'desc')
    .execute();
  return rows.map(templateJson).sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/** One version of a template, or undefined. */
export async function getTemplate(
  db: Kysely<Schema>,
  kind: TemplateKind,
  id: string,
  version: number,
): Promise<PublishedTemplate | undefined> {
  const row = await db
    .selectFrom('templates')
    .selectAll()
    .where('kind', '=', kind)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return row && templateJson(row);
}

/** The newest version, with the template's lock taken: nobody else publishes or withdraws it until commit. */
async function lockNewest(tx: Transaction<Schema>, kind: TemplateKind, id: string): Promise<Row | undefined> {
  // Two int4 keys: a key space apart from the single-bigint locks of migrations and the audit chain.
  await sql`select pg_advisory_xact_lock(${TEMPLATE_LOCK}, hashtext(${`${kind}:${id}`}))`.execute(tx);
  return tx
    .selectFrom('templates')
    .selectAll()
    .where('kind', '=', kind)
    .where('id', '=', id)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

const TEMPLATE_LOCK = 0x74706c; // "tpl"

function changedElsewhere(current: Row | undefined): AppError {
  return new AppError(
    'relay',
    'TEMPLATE_CHANGED_ELSEWHERE',
    'The template was changed by someone else since it was read; look at it again before publishing.',
    { status: 409, retryable: false, current: current ? templateJson(current) : null },
  );
}

/** What a publication or withdrawal names. */
export interface TemplateChange {
  kind: TemplateKind;
  id: string;
  /** The newest version the administrator read; 0 for a new template. */
  expectedVersion: number;
}

async function audit(tx: Transaction<Schema>, action: string, row: Row, actor: Person, at: Date) {
  const entry = {
    actorOid: actor.oid,
    actorName: actor.name,
    action,
    targetType: 'template',
    targetId: `${row.kind}:${row.id}`,
    targetLabel: `${row.name} (version ${row.version})`,
    outcome: 'succeeded',
    reason: '',
  };
  await appendAuditIn(tx, [{ entry, at }]);
}

/**
 * Publishes `body` (already checked by its kind's schema) as the next version.
 *
 * @throws AppError('relay', 'TEMPLATE_CHANGED_ELSEWHERE', …, { status: 409, current }) when the newest
 *   version is not `expectedVersion`.
 */
export async function publishTemplate(
  db: Kysely<Schema>,
  change: TemplateChange,
  body: Record<string, unknown> & { name: string },
  actor: Person,
  at = new Date(),
): Promise<PublishedTemplate> {
  return db.transaction().execute(async (tx) => {
    const newest = await lockNewest(tx, change.kind, change.id);
    if ((newest?.version ?? 0) !== change.expectedVersion) throw changedElsewhere(newest);
    const row: Row = {
      kind: change.kind,
      id: change.id,
      version: change.expectedVersion + 1,
      name: body.name,
      body,
      published_at: at,
      published_by_oid: actor.oid,
      published_by_name: actor.name,
      withdrawn: false,
    };
    await tx
      .insertInto('templates')
      .values({ ...row, body: JSON.stringify(body) })
      .execute();
    await audit(tx, 'template.publish', row, actor, at);
    return templateJson(row);
  });
}

/**
 * Withdraws every version of a template. Withdrawing a withdrawn template changes and records nothing.
 *
 * @throws AppError('relay', 'TEMPLATE_NOT_FOUND', …, { status: 404 }) for a template never published;
 *   AppError('relay', 'TEMPLATE_CHANGED_ELSEWHERE', …) as {@link publishTemplate}.
 */
export async function withdrawTemplate(
  db: Kysely<Schema>,
  change: TemplateChange,
  actor: Person,
  at = new Date(),
): Promise<PublishedTemplate> {
  return db.transaction().execute(async (tx) => {
    const newest = await lockNewest(tx, change.kind, change.id);
    if (!newest) throw templateNotFound();
    if (newest.version !== change.expectedVersion) throw changedElsewhere(newest);
    if (newest.withdrawn) return templateJson(newest);
    await tx
      .updateTable('templates')
      .set({ withdrawn: true })
      .where('kind', '=', change.kind)
      .where('id', '=', change.id)
      .execute();
    const row = { ...newest, withdrawn: true };
    await audit(tx, 'template.withdraw', row, actor, at);
    return templateJson(row);
  });
}

/** The relay's error for a template version it has never published. */
export function templateNotFound(): AppError {
  return new AppError('relay', 'TEMPLATE_NOT_FOUND', 'No such template has been published.', { status: 404 });
}

/** True when `kind`/`id` version `version` is published and not withdrawn (an issue may name it). */
export async function isUsableTemplate(
  db: Kysely<Schema>,
  kind: TemplateKind,
  id: string,
  version: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('templates')
    .select('withdrawn')
    .where('kind', '=', kind)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return row !== undefined && !row.withdrawn;
}
