/**
 * Publishes templates that come from outside the relay (a configuration file, or what an older Keyward
 * kept in this browser) as an administrator, never overwriting what is published: a template the relay
 * already holds with other content, a withdrawn one, or a name another template uses is a conflict,
 * listed with what the relay holds. One the relay holds with the same content is left as it is.
 */
import { AppError, isAppError } from '../app-error';
import type { PublishedTemplate } from '../relay-api/contract';
import type { Publication, RelayTemplateStore, TemplateKind, TemplateRecords } from './template-store';

/** A template to publish. */
export type TemplateToUpload = { [K in TemplateKind]: { kind: K; record: TemplateRecords[K] } }[TemplateKind];

/** A template by kind, id and name (and the version the relay holds or gave it). */
export interface UploadedTemplate {
  readonly kind: TemplateKind;
  readonly id: string;
  readonly name: string;
  readonly version: number;
}

/** Why a template was not published. */
export type ConflictReason = 'changed' | 'withdrawn' | 'name-taken' | 'invalid';

/** A template left unpublished, with what the relay holds (null when it holds nothing under that id). */
export interface TemplateConflict {
  readonly kind: TemplateKind;
  readonly id: string;
  readonly name: string;
  readonly reason: ConflictReason;
  readonly current: { readonly name: string; readonly publication: Publication } | null;
  /** For `invalid`: what the relay found wrong, in words. */
  readonly problems?: readonly string[];
}

/** What an upload did. */
export interface TemplateUploadResult {
  readonly published: readonly UploadedTemplate[];
  readonly unchanged: readonly UploadedTemplate[];
  readonly conflicts: readonly TemplateConflict[];
}

/**
 * Publishes each template the relay does not hold yet (version 1), data-export templates first since card
 * templates refer to them. Throws `TEMPLATES_OFFLINE` and publishes nothing when the relay cannot be read.
 */
export async function uploadTemplates(
  store: RelayTemplateStore,
  templates: readonly TemplateToUpload[],
): Promise<TemplateUploadResult> {
  if (!(await store.refresh()))
    throw new AppError('workflows', 'TEMPLATES_OFFLINE', 'The relay did not answer, so no template was published.');
  const out = {
    published: [] as UploadedTemplate[],
    unchanged: [] as UploadedTemplate[],
    conflicts: [] as TemplateConflict[],
  };
  const ordered = [...templates].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'export' ? -1 : 1));
  for (const t of ordered) await uploadOne(store, t, out);
  return out;
}

async function uploadOne(
  store: RelayTemplateStore,
  t: TemplateToUpload,
  out: { published: UploadedTemplate[]; unchanged: UploadedTemplate[]; conflicts: TemplateConflict[] },
): Promise<void> {
  const { kind, record } = t;
  const held = await store.held(kind);
  const same = held.find((h) => h.id === record.id);
  const conflict = (reason: ConflictReason, current: Holding | null = same ?? null, problems?: readonly string[]) =>
    out.conflicts.push({ kind, id: record.id, name: record.name, reason, current: current && pick(current), problems });
  if (same) {
    if (same.publication.withdrawn) return void conflict('withdrawn');
    if (sameContent(same, record))
      return void out.unchanged.push({ kind, id: record.id, name: same.name, version: same.publication.version });
    return void conflict('changed');
  }
  const name = record.name.trim().toLowerCase();
  const namesake = held.find((h) => !h.publication.withdrawn && h.name.trim().toLowerCase() === name);
  if (namesake) return void conflict('name-taken', namesake);
  try {
    const published = await store.publish(kind, record, 0);
    out.published.push({ kind, id: record.id, name: published.name, version: published.publication.version });
  } catch (e) {
    if (isAppError(e, 'relay-api', 'TEMPLATE_CHANGED_ELSEWHERE')) {
      const now = e.fields.current as PublishedTemplate | null;
      return void conflict('changed', now && { name: now.name, publication: { ...now } });
    }
    if (isAppError(e, 'relay-api', 'INVALID_BODY'))
      return void conflict('invalid', null, (e.fields.problems as string[] | undefined) ?? []);
    throw e;
  }
}

/** What the relay holds under a name: enough to say who published which version when. */
type Holding = { readonly name: string; readonly publication: Publication };

function pick(t: Holding): TemplateConflict['current'] {
  const { version, publishedAt, publishedBy, withdrawn } = t.publication;
  return { name: t.name, publication: { version, publishedAt, publishedBy, withdrawn } };
}

/** True when two records say the same, whatever their key order or when each was last edited. */
function sameContent(a: object, b: object): boolean {
  return stable({ ...a, publication: undefined, updatedAt: undefined }) === stable({ ...b, updatedAt: undefined });
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  return `{${entries
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([k, x]) => `${JSON.stringify(k)}:${stable(x)}`)
    .join(',')}}`;
}
