/**
 * Options > Connections > Data Export (vSEC:CMS "Data Export > Email"): checking, publishing (saving
 * publishes the next version to the relay) and withdrawing the email templates that deliver Temporary
 * Access Passes, and the default template an administrator publishes when there is none.
 *
 * Template text never holds a secret: the code only ever appears as the `${AadTapCode}` placeholder,
 * which the relay fills at send time with the same renderer (src/mail/template.ts).
 */
import { AppError, isAppError } from '../app-error';
import { placementProblems, recipientProblems } from '../mail/secret-placement';
import { unknownVariables } from '../mail/template';
import type { ExportTemplateRecord } from '../store/export-templates';
import type { PublishedRecord, RelayTemplateStore } from './template-store';

export type { ExportTemplateRecord } from '../store/export-templates';
/** A data-export template as the relay published it: what the Data Export screen lists and edits. */
export type PublishedExportTemplate = PublishedRecord<ExportTemplateRecord>;
export type { RenderedEmail, TemplateVariable } from '../mail/template';

/** The editable part of a template; the UI binds its fields. */
export interface ExportTemplateDraft {
  name: string;
  sendAutomatically: boolean;
  to: string;
  cc: string;
  subject: string;
  text: string;
  html: string;
}

/** A draft field that can hold a message. */
export type DraftField = 'name' | 'to' | 'cc' | 'subject' | 'text' | 'html';
/** The fields that may contain `${Variable}` placeholders. */
export type PlaceholderField = Exclude<DraftField, 'name'>;
/** Problems per field, each a sentence without the field's name. */
export type DraftErrors = Partial<Record<DraftField, string[]>>;

/** How each field is labelled in the editor (and in messages that list problems across fields). */
export const FIELD_LABELS: Readonly<Record<DraftField, string>> = {
  name: 'Name',
  to: 'To',
  cc: 'Cc',
  subject: 'Subject',
  text: 'Text body',
  html: 'HTML body',
};

/** Upper bounds in characters, so a pasted document cannot bloat IndexedDB or the relay's request. */
export const FIELD_LIMITS: Readonly<Record<DraftField, number>> = {
  name: 80,
  to: 1000,
  cc: 1000,
  subject: 250,
  text: 20_000,
  html: 100_000,
};

const PLACEHOLDER_FIELDS: readonly PlaceholderField[] = ['to', 'cc', 'subject', 'text', 'html'];
const HEADER_FIELDS = ['to', 'cc', 'subject'] as const;
const REQUIRED: readonly DraftField[] = ['name', 'to', 'subject', 'text'];

/** An empty draft for "New template". */
export function emptyDraft(): ExportTemplateDraft {
  return { name: '', sendAutomatically: true, to: '${Mail}', cc: '', subject: '', text: '', html: '' };
}

/** The editable fields of a saved template. */
export function draftOf(record: ExportTemplateRecord): ExportTemplateDraft {
  const { name, sendAutomatically, to, cc, subject, text, html } = record;
  return { name, sendAutomatically, to, cc, subject, text, html };
}

/** True when two drafts hold the same values. */
export function sameDraft(a: ExportTemplateDraft, b: ExportTemplateDraft): boolean {
  return (Object.keys(a) as (keyof ExportTemplateDraft)[]).every((k) => a[k] === b[k]);
}

/** How an editor drafts data-export templates (./template-editing.ts). */
export const EXPORT_DRAFTS = { empty: emptyDraft, draftOf, same: sameDraft };

/** Unknown `${…}` placeholders, per field, as sentences: `${AadTapCod} is not a variable.` */
export function unknownVariablesByField(draft: ExportTemplateDraft): DraftErrors {
  const out: DraftErrors = {};
  for (const field of PLACEHOLDER_FIELDS) {
    const bad = unknownVariables({ to: '', subject: '', text: '', [field]: draft[field] });
    if (bad.length) out[field] = bad.map((name) => `\${${name}} is not a variable.`);
  }
  return out;
}

/**
 * Everything that stops `draft` from being saved, per field. `others` are the saved templates; the one
 * with `id` (the template being edited) may keep its own name.
 */
export function draftProblems(
  draft: ExportTemplateDraft,
  others: readonly ExportTemplateRecord[],
  id: string | null,
): DraftErrors {
  const out: DraftErrors = {};
  const add = (field: DraftField, problem: string) => (out[field] ??= []).push(problem);
  for (const field of REQUIRED) if (!draft[field].trim()) add(field, 'Required.');
  for (const [field, limit] of Object.entries(FIELD_LIMITS) as [DraftField, number][]) {
    if (draft[field].length > limit)
      add(field, `At most ${limit.toLocaleString('en')} characters (now ${draft[field].length.toLocaleString('en')}).`);
  }
  // RFC 5322 §2.2: a line break inside a header field would start another header.
  for (const field of HEADER_FIELDS) if (/[\r\n]/.test(draft[field])) add(field, 'Must be one line.');
  const name = draft.name.trim().toLowerCase();
  if (name && others.some((t) => t.id !== id && t.name.trim().toLowerCase() === name))
    add('name', 'Another template already has this name.');
  for (const field of ['to', 'cc'] as const)
    for (const a of badAddresses(draft[field])) add(field, `"${a}" is neither an email address nor a variable.`);
  for (const [field, problems] of Object.entries(unknownVariablesByField(draft)) as [DraftField, string[]][])
    problems.forEach((p) => add(field, p));
  // The rules the relay applies to what it sends (src/mail/secret-placement.ts), said at save.
  for (const { field, entry } of recipientProblems(draft).filter(
    (r) => !badAddresses(draft[r.field]).includes(r.entry),
  ))
    add(field, `The relay sends only to the user's own address (\${Mail}), so it would refuse "${entry}".`);
  for (const p of placementProblems(draft)) add(p.field, `\${${p.variable}} at character ${p.position}: ${p.problem}.`);
  return out;
}

/** Recipient entries (comma or semicolon separated) that are neither an address nor contain a placeholder. */
function badAddresses(list: string): string[] {
  return list
    .split(/[,;]/)
    .map((a) => a.trim())
    .filter((a) => a && !a.includes('${') && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(a));
}

/** Problems as one list of "Field: problem" lines, in field order. */
export function describeDraftErrors(errors: DraftErrors): string[] {
  return (Object.keys(FIELD_LABELS) as DraftField[]).flatMap((f) =>
    (errors[f] ?? []).map((p) => `${FIELD_LABELS[f]}: ${p}`),
  );
}

/** The published data-export templates that are not withdrawn, by name (refreshed when the relay answers). */
export function publishedExportTemplates(store: RelayTemplateStore): Promise<PublishedExportTemplate[]> {
  return store.published('export');
}

/**
 * Validates `draft` and publishes it as a new template (`opened` null) or as the next version of `opened`,
 * the version the administrator opened. Throws `AppError('workflows', 'INVALID_TEMPLATE', …, { problems:
 * DraftErrors })` when it cannot be published, and the relay's `TEMPLATE_CHANGED_ELSEWHERE` when someone
 * published a newer version meanwhile.
 */
export async function publishExportTemplate(
  store: RelayTemplateStore,
  draft: ExportTemplateDraft,
  opened: PublishedExportTemplate | null,
  id: string = crypto.randomUUID(),
): Promise<PublishedExportTemplate> {
  const problems = draftProblems(draft, await store.published('export'), opened?.id ?? null);
  if (Object.keys(problems).length) throw invalid(problems);
  const record: ExportTemplateRecord = {
    id: opened?.id ?? id,
    name: draft.name.trim(),
    target: 'email',
    sendAutomatically: draft.sendAutomatically,
    connector: 'relay',
    to: draft.to.trim(),
    cc: draft.cc.trim(),
    subject: draft.subject.trim(),
    text: draft.text,
    html: draft.html,
    updatedAt: new Date().toISOString(),
  };
  return store.publish('export', record, opened?.publication.version ?? 0);
}

function invalid(problems: DraftErrors): AppError {
  const lines = describeDraftErrors(problems);
  return new AppError('workflows', 'INVALID_TEMPLATE', `The template cannot be saved: ${lines.join(' ')}`, {
    problems: lines,
    byField: problems,
  });
}

/** Withdraws `template`: nothing new is delivered with it; what was sent under it still names it. */
export function withdrawExportTemplate(
  store: RelayTemplateStore,
  template: PublishedExportTemplate,
): Promise<PublishedExportTemplate> {
  return store.withdraw('export', template.id, template.publication.version);
}

/** The default template's id: one id for every administrator, so two publishing it at once make one template. */
export const DEFAULT_TEMPLATE_ID = 'tap-default';

/** The template an administrator publishes when there is none, so issuance and unblock can deliver. */
export const DEFAULT_TEMPLATE: ExportTemplateDraft = {
  name: 'Temporary Access Pass',
  sendAutomatically: true,
  to: '${Mail}',
  cc: '',
  subject: 'Your Temporary Access Pass',
  text: [
    'Hello ${DisplayName},',
    '',
    '${OperatorName} created a Temporary Access Pass for you:',
    '',
    '    ${AadTapCode}',
    '',
    'It expires ${AadTapExpires}. Works only once: ${AadTapUsableOnce}. Pass id: ${AadTapId}.',
    'Use it to sign in and set up your security key or passwordless sign-in.',
    '',
    'If you did not expect this email, contact your helpdesk.',
  ].join('\n'),
  html: [
    '<p>Hello ${DisplayName},</p>',
    '<p>${OperatorName} created a Temporary Access Pass for you:</p>',
    '<p><strong><code>${AadTapCode}</code></strong></p>',
    '<p>It expires ${AadTapExpires}. Works only once: ${AadTapUsableOnce}. Pass id: ${AadTapId}.<br>',
    'Use it to sign in and set up your security key or passwordless sign-in.</p>',
    '<p>If you did not expect this email, contact your helpdesk.</p>',
  ].join('\n'),
};

/**
 * Publishes the default template (an administrator's choice on the Data Export screen when none is
 * published). When another administrator published it first, theirs stands and is returned.
 */
export async function publishDefaultTemplate(store: RelayTemplateStore): Promise<PublishedExportTemplate> {
  try {
    return await publishExportTemplate(store, DEFAULT_TEMPLATE, null, DEFAULT_TEMPLATE_ID);
  } catch (e) {
    if (!isAppError(e, 'relay-api', 'TEMPLATE_CHANGED_ELSEWHERE')) throw e;
    await store.refresh();
    const theirs = (await store.published('export')).find((t) => t.id === DEFAULT_TEMPLATE_ID);
    if (!theirs) throw e;
    return theirs;
  }
}
