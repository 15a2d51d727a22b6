import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../app-error';
import { TEMPLATE_VARIABLES } from '../mail/template';
import { deleteExportTemplate, getExportTemplate, listExportTemplates } from '../store/export-templates';
import {
  DEFAULT_TEMPLATE,
  draftOf,
  draftProblems,
  emptyDraft,
  ensureDefaultTemplates,
  exportTemplates,
  removeExportTemplate,
  sameDraft,
  saveExportTemplate,
  unknownVariablesByField,
  type ExportTemplateDraft,
} from './export-templates';
import { insertPlaceholder, previewEmail, sampleValues, VARIABLE_CHOICES } from './export-template-preview';

const draft = (over: Partial<ExportTemplateDraft> = {}): ExportTemplateDraft => ({
  name: 'Welcome',
  sendAutomatically: false,
  to: '${Mail}',
  cc: 'helpdesk@contoso.example',
  subject: 'Hello ${GivenName}',
  text: 'Code ${AadTapCode}',
  html: '<p>${AadTapCode}</p>',
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

beforeEach(async () => {
  for (const t of await listExportTemplates()) await deleteExportTemplate(t.id);
});

describe('draft validation', () => {
  it('accepts a complete draft', () => {
    expect(draftProblems(draft(), [], null)).toEqual({});
  });

  it('requires name, To, subject and text body, but not Cc or HTML', () => {
    const problems = draftProblems(draft({ name: ' ', to: '', subject: '', text: '\n', cc: '', html: '' }), [], null);
    expect(Object.keys(problems).sort()).toEqual(['name', 'subject', 'text', 'to']);
    expect(problems.name).toEqual(['Required.']);
  });

  it('lists unknown variables per field', () => {
    const d = draft({ subject: 'Pass ${AadTapCod}', html: '${Bogus} ${toString} ${AadTapCode}' });
    expect(unknownVariablesByField(d)).toEqual({
      subject: ['${AadTapCod} is not a variable.'],
      html: ['${Bogus} is not a variable.', '${toString} is not a variable.'],
    });
    expect(draftProblems(d, [], null).subject).toEqual(['${AadTapCod} is not a variable.']);
  });

  it('bounds lengths and refuses line breaks in headers', () => {
    const problems = draftProblems(draft({ name: 'x'.repeat(81), subject: 'a\r\nBcc: evil@example.com' }), [], null);
    expect(problems.name).toEqual(['At most 80 characters (now 81).']);
    expect(problems.subject).toEqual(['Must be one line.']);
  });

  it('refuses recipients that are neither an address nor a variable', () => {
    const problems = draftProblems(draft({ to: '${Mail}; not-an-address', cc: 'a@b.example, ${Mail}' }), [], null);
    expect(problems.to).toEqual(['"not-an-address" is neither an email address nor a variable.']);
    expect(problems.cc).toBeUndefined();
  });

  it('wants names unique (ignoring case), except for the template being edited', async () => {
    const saved = await saveExportTemplate(draft(), null);
    expect(draftProblems(draft({ name: ' welcome ' }), [saved], null).name).toEqual([
      'Another template already has this name.',
    ]);
    expect(draftProblems(draft(), [saved], saved.id)).toEqual({});
  });
});

describe('saving and deleting', () => {
  it('saves a new template with a fresh id and the fixed target and connector', async () => {
    const saved = await saveExportTemplate(draft({ name: '  Welcome  ' }), null);
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await getExportTemplate(saved.id)).toEqual({
      ...saved,
      name: 'Welcome',
      target: 'email',
      connector: 'relay',
    });
    expect(sameDraft(draftOf(saved), draft())).toBe(true);
  });

  it('updates a template in place and keeps its id', async () => {
    const first = await saveExportTemplate(draft(), null);
    const second = await saveExportTemplate(draft({ subject: 'Changed' }), first.id);
    expect(second.id).toBe(first.id);
    expect((await exportTemplates()).map((t) => t.subject)).toEqual(['Changed']);
  });

  it('refuses an invalid draft with problems per field and saves nothing', async () => {
    const e = await rejection(saveExportTemplate(draft({ subject: '${Bogus}' }), null));
    expect(isAppError(e, 'workflows', 'INVALID_TEMPLATE')).toBe(true);
    expect((e as { fields: { problems: string[] } }).fields.problems).toEqual(['Subject: ${Bogus} is not a variable.']);
    expect(await exportTemplates()).toEqual([]);
  });

  it('refuses a duplicate name', async () => {
    await saveExportTemplate(draft(), null);
    const e = await rejection(saveExportTemplate(draft(), null));
    expect((e as { fields: { problems: string[] } }).fields.problems).toEqual([
      'Name: Another template already has this name.',
    ]);
  });

  it("turns the store's unique-name refusal into the same refusal when two saves race", async () => {
    // Both saves list the templates before either writes, so only the store's unique index can catch it.
    const results = await Promise.allSettled([saveExportTemplate(draft(), null), saveExportTemplate(draft(), null)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const e = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
    expect(isAppError(e, 'workflows', 'INVALID_TEMPLATE')).toBe(true);
    expect((e.cause as { name: string }).name).toBe('ConstraintError');
    expect((await exportTemplates()).length).toBe(1);
  });

  it('deletes a template', async () => {
    const saved = await saveExportTemplate(draft(), null);
    await removeExportTemplate(saved.id);
    expect(await exportTemplates()).toEqual([]);
  });
});

describe('the default template', () => {
  it('is created only when there are none, and is valid', async () => {
    const created = await ensureDefaultTemplates();
    expect(created.map((t) => t.name)).toEqual(['Temporary Access Pass']);
    expect(draftProblems(DEFAULT_TEMPLATE, [], null)).toEqual({});
    expect(await ensureDefaultTemplates()).toEqual(created);
    await saveExportTemplate(draft(), null);
    await removeExportTemplate(created[0]!.id);
    expect((await ensureDefaultTemplates()).map((t) => t.name)).toEqual(['Welcome']);
  });

  it('delivers the pass: recipient, code, expiry, usable-once and operator, in both bodies', () => {
    const out = previewEmail(DEFAULT_TEMPLATE);
    expect(out.to).toEqual(['sample.user@example.invalid']);
    for (const body of [out.text, out.html!]) {
      for (const v of ['Sample User', 'SAMPLE-CODE', '2030-01-01 10:00 UTC', 'Sample Operator'])
        expect(body).toContain(v);
    }
  });
});

describe('preview and picker helpers', () => {
  it('has an obviously fake sample for every variable', () => {
    const values = sampleValues();
    expect(Object.keys(values).sort()).toEqual(Object.keys(TEMPLATE_VARIABLES).sort());
    expect(values.AadTapCode).toBe('SAMPLE-CODE');
    expect(VARIABLE_CHOICES.map((c) => c.name)).toEqual(Object.keys(TEMPLATE_VARIABLES));
  });

  it('escapes sample values in the HTML body and throws on unknown variables', () => {
    expect(previewEmail(draft({ html: '<b>${CredentialType}</b>' })).html).toBe('<b>Sample credential · PIV</b>');
    expect(() => previewEmail(draft({ text: '${Nope}' }))).toThrow(/Nope/);
  });

  it('inserts a placeholder at the caret or over a selection', () => {
    expect(insertPlaceholder('Code: !', 'AadTapCode', 6)).toEqual({ value: 'Code: ${AadTapCode}!', caret: 19 });
    expect(insertPlaceholder('Hi NAME.', 'GivenName', 3, 7)).toEqual({ value: 'Hi ${GivenName}.', caret: 15 });
    expect(insertPlaceholder('ab', 'Mail', 99)).toEqual({ value: 'ab${Mail}', caret: 9 });
  });

  it('starts new drafts addressed to the user', () => {
    expect(emptyDraft()).toMatchObject({ to: '${Mail}', name: '', text: '' });
  });
});
