/**
 * The template editor shared by Data Export and Card Templates, through its two real kinds over the
 * workflows, the real relay (test/support/relay-world.ts) and fake-indexeddb; Detect reads the demo's
 * virtual reader.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { PEOPLE, useRelayWorld, type Person } from '../../test/support/relay-world';
import type { RelayEndpoint } from '../relay-api/request';
import { RelayTemplateStore } from '../workflows/template-store';
import { CardTemplatesState } from './card-templates.svelte';
import { ExportTemplatesState } from './export-templates.svelte';
import { ReaderState } from './readers.svelte';
import { SessionState } from './session.svelte';
import { describePublication } from './describe-publication';

const world = useRelayWorld();

const storeOf = (who: Person) => new RelayTemplateStore(() => world().endpoint(who));
const admin = () => new ExportTemplatesState(storeOf(PEOPLE.adam), () => true);

describe('the template editor (data-export templates)', () => {
  it('offers an administrator the default template when none is published, and publishes a new one', async () => {
    const editor = admin();
    await editor.load();
    expect([editor.loaded, editor.list, editor.offerDefault]).toEqual([true, [], true]);
    await editor.publishDefault();
    expect(editor.offerDefault).toBe(false);
    expect(editor.message).toBe('Published "Temporary Access Pass" as version 1.');
    expect(editor.selected?.name).toBe('Temporary Access Pass');
    expect(describePublication(editor.selected!.publication)).toMatch(/^Version 1, published by Adam Admin on /);
    expect(editor.preview.email?.subject).toBe('Your Temporary Access Pass');

    editor.newTemplate();
    expect(editor.selectedId).toBeNull();
    // Problems show only once a save was tried, then follow the edits.
    expect(editor.errors).toEqual({});
    expect(await editor.save()).toBe(false);
    expect(editor.errors.name).toEqual(['Required.']);
    editor.draft.name = 'Temporary Access Pass';
    expect(editor.errors.name).toEqual(['Another template already has this name.']);
    editor.draft.name = 'Welcome';
    editor.draft.subject = 'Welcome, ${DisplayName}';
    editor.draft.text = 'Your pass: ';
    const caret = editor.insertVariable('text', 'AadTapCode', editor.draft.text.length);
    expect(editor.draft.text).toBe('Your pass: ${AadTapCode}');
    expect(caret).toBe(editor.draft.text.length);
    expect(editor.dirty).toBe(true);

    expect(await editor.save()).toBe(true);
    expect(editor.message).toBe('Saved "Welcome". Version 1 is published for every operator.');
    expect(editor.dirty).toBe(false);
    expect(editor.list.map((t) => t.name).sort()).toEqual(['Temporary Access Pass', 'Welcome']);
  });

  it('discards edits, keeps unsaved edits across a re-list, and withdraws the selected template', async () => {
    const editor = admin();
    await editor.load();
    await editor.publishDefault();
    const first = editor.selectedId;
    editor.draft.subject = 'Changed';
    expect(editor.dirty).toBe(true);
    editor.discard();
    expect(editor.dirty).toBe(false);
    expect(editor.draft.subject).not.toBe('Changed');

    editor.draft.subject = 'Still editing';
    await editor.load();
    expect(editor.selectedId).toBe(first);
    expect(editor.draft.subject).toBe('Still editing');

    await editor.remove();
    expect(editor.message).toBe(
      'Withdrew "Temporary Access Pass": nothing new uses it; what was issued under it still names it.',
    );
    expect(editor.list).toEqual([]);
  });

  it('refuses to publish over a newer version, shows theirs, and publishes once the administrator reloads it', async () => {
    const mine = admin();
    await mine.load();
    await mine.publishDefault();
    const theirs = admin();
    await theirs.load();
    theirs.draft.subject = 'Their subject';
    expect(await theirs.save()).toBe(true);

    mine.draft.subject = 'My subject';
    expect(await mine.save()).toBe(false);
    expect(mine.failure).toMatchObject({ code: 'TEMPLATE_CHANGED_ELSEWHERE', fields: { current: { version: 2 } } });
    expect(mine.selected?.publication.version).toBe(2);
    expect(mine.draft.subject).toBe('My subject');
    mine.discard();
    expect(mine.draft.subject).toBe('Their subject');
    mine.draft.subject = 'My subject';
    expect(await mine.save()).toBe(true);
    expect(mine.selected?.publication.version).toBe(3);
  });

  it('lets others read but not edit, and shows the copy when the relay does not answer', async () => {
    await admin().publishDefault();
    const reader = new ExportTemplatesState(storeOf(PEOPLE.olivia), () => false);
    await reader.load();
    expect([reader.canEdit, reader.offerDefault, reader.list.length]).toEqual([false, false, 1]);

    const cut: RelayEndpoint = {
      ...world().endpoint(PEOPLE.olivia),
      fetch: () => Promise.reject(new TypeError('offline')),
    };
    const offline = new ExportTemplatesState(new RelayTemplateStore(() => cut), () => true);
    await offline.load();
    expect([offline.offline, offline.failure, offline.list.length, offline.offerDefault]).toEqual([
      true,
      null,
      1,
      false,
    ]);
  });

  it('flags unknown variables as the operator types', async () => {
    const editor = admin();
    await editor.load();
    editor.draft.text = 'Code ${AadTapCod}';
    expect(editor.unknown.text).toEqual(['${AadTapCod} is not a variable.']);
  });
});

describe('the template editor (card templates)', () => {
  const cardEditor = (readers = new ReaderState()) =>
    new CardTemplatesState(new SessionState(), readers, storeOf(PEOPLE.adam), () => true);

  it('refuses Detect without a card, and adds the detected type of the card in the open reader', async () => {
    await admin().publishDefault();
    const readers = new ReaderState();
    const editor = cardEditor(readers);
    await editor.load();
    expect(editor.exports.length).toBe(1);
    editor.newTemplate();
    editor.draft.allowedCredentialTypes = ['piv'];

    await editor.detect();
    expect(editor.failure).toMatchObject({ code: 'CARD_NOT_OPEN' });

    await readers.start({ demo: true });
    await readers.select('virtual:0');
    await editor.detect();
    expect(editor.failure).toBeNull();
    expect(editor.detected?.credentialType).toBe('yubikey');
    expect(editor.draft.allowedCredentialTypes).toEqual(['piv', 'yubikey']);
  });

  it('publishes, duplicates under a new name, and switches off options whose parent is off', async () => {
    const editor = cardEditor();
    await editor.load();
    editor.newTemplate();
    editor.draft.name = 'Staff key';
    editor.draft.tap.enabled = true;
    editor.draft.tap.operatorMayGenerate = true;
    expect(await editor.save()).toBe(false);
    expect(editor.errors).toEqual({
      'tap.operatorMayGenerate': ['Needs Show code or a Deliver template, or nobody receives the code.'],
    });
    editor.draft.tap.showCode = true;
    expect(editor.errors).toEqual({});
    expect(await editor.save()).toBe(true);
    const original = editor.selectedId;

    await editor.duplicate();
    expect(editor.failure).toBeNull();
    expect(editor.selectedId).not.toBe(original);
    expect(editor.selected?.name).not.toBe('Staff key');
    expect(editor.message).toBe(`Created "${editor.selected?.name}".`);
    expect(editor.list).toHaveLength(2);

    editor.draft.tap.enabled = false;
    editor.tidy();
    expect(editor.draft.tap).toMatchObject({ operatorMayGenerate: false, showCode: false });

    // An operator's screen lists them too, read-only.
    const reader = new CardTemplatesState(new SessionState(), new ReaderState(), storeOf(PEOPLE.olivia), () => false);
    await reader.load();
    expect([reader.canEdit, reader.list.length]).toEqual([false, 2]);
  });
});
