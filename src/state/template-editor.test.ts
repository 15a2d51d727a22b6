/**
 * The template editor shared by Data Export and Card Templates, through its two real kinds over the
 * workflows and fake-indexeddb; Detect reads the demo's virtual reader.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CardTemplatesState } from './card-templates.svelte';
import { ExportTemplatesState } from './export-templates.svelte';
import { ReaderState } from './readers.svelte';
import { SessionState } from './session.svelte';

describe('the template editor (data-export templates)', () => {
  it('opens the default template, and saves a new one once its problems are fixed', async () => {
    const editor = new ExportTemplatesState();
    await editor.load();
    expect(editor.loaded).toBe(true);
    expect(editor.list.map((t) => t.name)).toEqual(['Temporary Access Pass']);
    expect(editor.selected?.name).toBe('Temporary Access Pass');
    expect(editor.dirty).toBe(false);
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
    expect(editor.message).toBe('Saved "Welcome".');
    expect(editor.selected?.name).toBe('Welcome');
    expect(editor.dirty).toBe(false);
    expect(editor.list.map((t) => t.name).sort()).toEqual(['Temporary Access Pass', 'Welcome']);
  });

  it('discards edits, keeps unsaved edits across a re-list, and removes the selected template', async () => {
    const editor = new ExportTemplatesState();
    await editor.load();
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

    const name = editor.selected!.name;
    await editor.remove();
    expect(editor.message).toBe(`Deleted "${name}".`);
    expect(editor.list.some((t) => t.id === first)).toBe(false);
  });

  it('flags unknown variables as the operator types', async () => {
    const editor = new ExportTemplatesState();
    await editor.load();
    editor.draft.text = 'Code ${AadTapCod}';
    expect(editor.unknown.text).toEqual(['${AadTapCod} is not a variable.']);
  });
});

describe('the template editor (card templates)', () => {
  it('refuses Detect without a card, and adds the detected type of the card in the open reader', async () => {
    const readers = new ReaderState();
    const editor = new CardTemplatesState(new SessionState(), readers);
    await editor.load();
    expect(editor.exports.length).toBeGreaterThan(0);
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

  it('saves, duplicates under a new name, and switches off options whose parent is off', async () => {
    const editor = new CardTemplatesState(new SessionState(), new ReaderState());
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
  });
});
