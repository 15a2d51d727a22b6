import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { PEOPLE, useRelayWorld } from '../../test/support/relay-world';
import { isAppError } from '../app-error';
import { TEMPLATE_VARIABLES } from '../mail/template';
import { fetchTemplates } from '../relay-api/templates';
import {
  DEFAULT_TEMPLATE,
  DEFAULT_TEMPLATE_ID,
  draftOf,
  draftProblems,
  emptyDraft,
  publishDefaultTemplate,
  publishedExportTemplates,
  publishExportTemplate,
  sameDraft,
  unknownVariablesByField,
  withdrawExportTemplate,
  type ExportTemplateDraft,
} from './export-templates';
import { RelayTemplateStore } from './template-store';
import { insertPlaceholder, previewEmail, sampleValues, VARIABLE_CHOICES } from './export-template-preview';

const draft = (over: Partial<ExportTemplateDraft> = {}): ExportTemplateDraft => ({
  name: 'Welcome',
  sendAutomatically: false,
  to: '${Mail}',
  cc: '',
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

let store: RelayTemplateStore;
const world = useRelayWorld(async () => {
  store = new RelayTemplateStore(() => world().endpoint(PEOPLE.adam));
});

/** What every operator reads from the relay, as another browser would. */
const elsewhere = () => new RelayTemplateStore(() => world().endpoint(PEOPLE.olivia)).exportTemplates();

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
    // An address the relay will always refuse (it writes only to the user's own) is said at save.
    expect(problems.cc).toEqual([
      'The relay sends only to the user\'s own address (${Mail}), so it would refuse "a@b.example".',
    ]);
    expect(draftProblems(draft({ to: 'Ben <${Mail}>', cc: '${UserPrincipalName}' }), [], null).cc).toEqual([
      'The relay sends only to the user\'s own address (${Mail}), so it would refuse "${UserPrincipalName}".',
    ]);
  });

  it('refuses a secret in a header and any placeholder inside an HTML tag, naming where', () => {
    const problems = draftProblems(
      draft({ subject: 'Pass ${AadTapCode}', html: '<a href="${AadTapCode}">x</a> ${ActivationPin}' }),
      [],
      null,
    );
    expect(problems.subject).toEqual(['${AadTapCode} at character 6: a secret is allowed only in the bodies.']);
    expect(problems.html).toEqual([
      '${AadTapCode} at character 10: a placeholder is not allowed inside an HTML tag or attribute.',
    ]);
  });

  it('wants names unique (ignoring case), except for the template being edited', async () => {
    const saved = await publishExportTemplate(store, draft(), null);
    expect(draftProblems(draft({ name: ' welcome ' }), [saved], null).name).toEqual([
      'Another template already has this name.',
    ]);
    expect(draftProblems(draft(), [saved], saved.id)).toEqual({});
  });
});

describe('publishing and withdrawing', () => {
  it('publishes a new template with a fresh id and the fixed target and connector', async () => {
    const saved = await publishExportTemplate(store, draft({ name: '  Welcome  ' }), null);
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(saved.publication).toMatchObject({ version: 1, publishedBy: { name: 'Adam Admin' } });
    const [theirs] = await elsewhere();
    expect(theirs).toEqual({
      version: 1,
      record: {
        ...draftOf(saved),
        id: saved.id,
        name: 'Welcome',
        target: 'email',
        connector: 'relay',
        updatedAt: saved.updatedAt,
      },
    });
    expect(sameDraft(draftOf(saved), draft())).toBe(true);
  });

  it('publishes the next version of the one opened and keeps its id', async () => {
    const first = await publishExportTemplate(store, draft(), null);
    const second = await publishExportTemplate(store, draft({ subject: 'Changed' }), first);
    expect([second.id, second.publication.version]).toEqual([first.id, 2]);
    expect((await elsewhere()).map((t) => [t.record.subject, t.version])).toEqual([['Changed', 2]]);
    const stale = await rejection(publishExportTemplate(store, draft({ subject: 'Stale' }), first));
    expect(isAppError(stale, 'relay-api', 'TEMPLATE_CHANGED_ELSEWHERE')).toBe(true);
  });

  it('refuses an invalid draft with problems per field and publishes nothing', async () => {
    const e = await rejection(publishExportTemplate(store, draft({ subject: '${Bogus}' }), null));
    expect(isAppError(e, 'workflows', 'INVALID_TEMPLATE')).toBe(true);
    expect((e as { fields: { problems: string[] } }).fields.problems).toEqual(['Subject: ${Bogus} is not a variable.']);
    expect(await fetchTemplates(world().endpoint(PEOPLE.olivia))).toEqual([]);
  });

  it('refuses a duplicate name', async () => {
    await publishExportTemplate(store, draft(), null);
    const e = await rejection(publishExportTemplate(store, draft(), null));
    expect((e as { fields: { problems: string[] } }).fields.problems).toEqual([
      'Name: Another template already has this name.',
    ]);
  });

  it('withdraws a template: no longer offered, still held by the relay', async () => {
    const saved = await publishExportTemplate(store, draft(), null);
    await withdrawExportTemplate(store, saved);
    expect(await publishedExportTemplates(store)).toEqual([]);
    expect(await elsewhere()).toEqual([]);
    expect(await fetchTemplates(world().endpoint(PEOPLE.olivia))).toMatchObject([{ id: saved.id, withdrawn: true }]);
  });
});

describe('the default template', () => {
  it('is published by an administrator under one id, once however many publish it, and is valid', async () => {
    expect(await elsewhere()).toEqual([]);
    expect(draftProblems(DEFAULT_TEMPLATE, [], null)).toEqual({});
    const operator = new RelayTemplateStore(() => world().endpoint(PEOPLE.olivia));
    await expect(publishDefaultTemplate(operator)).rejects.toMatchObject({ code: 'ROLE_MISSING' });
    const other = new RelayTemplateStore(() => world().endpoint(PEOPLE.adam));
    const [mine, theirs] = await Promise.all([publishDefaultTemplate(store), publishDefaultTemplate(other)]);
    expect([mine.id, theirs.id]).toEqual([DEFAULT_TEMPLATE_ID, DEFAULT_TEMPLATE_ID]);
    expect((await elsewhere()).map((t) => [t.record.name, t.version])).toEqual([['Temporary Access Pass', 1]]);
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
