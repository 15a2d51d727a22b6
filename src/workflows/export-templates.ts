/**
 * Options > Connections > Data Export (vSEC:CMS "Data Export > Email"): checking, saving and deleting
 * the email templates that deliver Temporary Access Passes, plus the sample data the editor previews.
 *
 * Template text never holds a secret: the code only ever appears as the `${AadTapCode}` placeholder,
 * which the relay fills at send time with the same renderer (src/mail/template.ts).
 */
import { AppError, isAppError } from '../app-error';
import { unknownVariables } from '../mail/template';
import {
  deleteExportTemplate,
  listExportTemplates,
  putExportTemplate,
  type ExportTemplateRecord,
} from '../store/export-templates';

export type { ExportTemplateRecord } from '../store/export-templates';
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

/** The saved templates, by name. */
export function exportTemplates(): Promise<ExportTemplateRecord[]> {
  return listExportTemplates();
}

/**
 * Validates and saves `draft`, as a new template (`id` null) or over template `id`. Throws
 * `AppError('workflows', 'INVALID_TEMPLATE', …, { problems: DraftErrors })` when it cannot be saved.
 */
export async function saveExportTemplate(draft: ExportTemplateDraft, id: string | null): Promise<ExportTemplateRecord> {
  const problems = draftProblems(draft, await listExportTemplates(), id);
  if (Object.keys(problems).length) throw invalid(problems);
  const record: ExportTemplateRecord = {
    id: id ?? crypto.randomUUID(),
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
  try {
    await putExportTemplate(record);
  } catch (e) {
    // Another tab saved the same name since we listed; the store's unique index refused it.
    if ((e as { name?: unknown } | null)?.name === 'ConstraintError')
      throw invalid({ name: ['Another template already has this name.'] }, e);
    throw e;
  }
  return record;
}

function invalid(problems: DraftErrors, cause?: unknown): AppError {
  const lines = describeDraftErrors(problems);
  return new AppError(
    'workflows',
    'INVALID_TEMPLATE',
    `The template cannot be saved: ${lines.join(' ')}`,
    { problems: lines, byField: problems },
    { cause },
  );
}

/** Deletes template `id`. */
export function removeExportTemplate(id: string): Promise<void> {
  return deleteExportTemplate(id);
}

/** The template created when there is none, so issuance and unblock have something to deliver with. */
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

/** Creates the default template when there are no templates; returns the templates. */
export async function ensureDefaultTemplates(): Promise<ExportTemplateRecord[]> {
  const existing = await listExportTemplates();
  if (existing.length) return existing;
  try {
    await saveExportTemplate(DEFAULT_TEMPLATE, null);
  } catch (e) {
    // Two tabs starting together: the other one created it first, which is just as good.
    if (!isAppError(e, 'workflows', 'INVALID_TEMPLATE')) throw e;
  }
  return listExportTemplates();
}
