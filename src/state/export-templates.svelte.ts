/**
 * Options > Connections > Data Export as the UI sees it: the saved templates, the one being edited, its
 * problems and a live preview with sample data.
 */
import { AppError, isAppError, toAppError } from '../app-error';
import {
  draftOf,
  draftProblems,
  emptyDraft,
  ensureDefaultTemplates,
  exportTemplates,
  insertPlaceholder,
  previewEmail,
  removeExportTemplate,
  sameDraft,
  saveExportTemplate,
  unknownVariablesByField,
  type DraftErrors,
  type ExportTemplateDraft,
  type ExportTemplateRecord,
  type PlaceholderField,
  type RenderedEmail,
  type TemplateVariable,
} from '../workflows/export-templates';

/** The preview: the rendered message, or why it cannot be rendered. */
export type EmailPreview = { readonly email: RenderedEmail; readonly error: null } | { readonly email: null; readonly error: AppError };

/** Reactive data-export template state; one instance for the app. */
export class ExportTemplatesState {
  /** The saved templates, by name; replaced after every change. */
  list = $state.raw<readonly ExportTemplateRecord[]>([]);
  /** The template being edited, or null for a new one. */
  selectedId = $state<string | null>(null);
  /** The editor's fields (bound by the UI). */
  draft = $state<ExportTemplateDraft>(emptyDraft());
  loaded = $state(false);
  busy = $state(false);
  /** A failure that is not about the draft's fields (storage, …). */
  failure = $state.raw<AppError | null>(null);
  /** What the last action did, for a status line. */
  message = $state('');
  #baseline = $state.raw<ExportTemplateDraft>(emptyDraft());
  /** Field problems show once the operator has tried to save, then follow their edits live. */
  #attempted = $state(false);

  selected = $derived(this.list.find((t) => t.id === this.selectedId) ?? null);
  /** True when the draft differs from what was last loaded or saved. */
  dirty = $derived(!sameDraft(this.draft, this.#baseline));
  /** Unknown variables per field, flagged as the operator types. */
  unknown = $derived(unknownVariablesByField(this.draft));
  /** Problems per field that block saving (empty until a save was attempted). */
  errors = $derived<DraftErrors>(this.#attempted ? draftProblems(this.draft, this.list, this.selectedId) : {});
  preview = $derived.by((): EmailPreview => {
    try {
      return { email: previewEmail(this.draft), error: null };
    } catch (e) {
      return { email: null, error: toAppError(e) };
    }
  });

  /** Lists the templates (creating the default one if there are none) and opens the first. */
  async load(): Promise<void> {
    await this.#run(async () => {
      this.list = await ensureDefaultTemplates();
      const keep = this.list.find((t) => t.id === this.selectedId);
      if (!this.dirty || !keep) this.#edit(keep ?? this.list[0] ?? null);
    });
    this.loaded = true;
  }

  /** Opens template `id` in the editor, dropping unsaved edits. */
  select(id: string): void {
    const record = this.list.find((t) => t.id === id);
    if (record) this.#edit(record);
  }

  /** Starts a new template, dropping unsaved edits. */
  newTemplate(): void {
    this.#edit(null);
  }

  /** Puts back what was last loaded or saved. */
  discard(): void {
    this.#edit(this.selected);
  }

  /** Saves the draft; false when it has problems (then `errors` lists them) or the store failed. */
  async save(): Promise<boolean> {
    this.#attempted = true;
    this.message = '';
    if (Object.keys(this.errors).length) return false;
    return this.#run(async () => {
      try {
        const saved = await saveExportTemplate($state.snapshot(this.draft), this.selectedId);
        this.list = await exportTemplates();
        this.#edit(saved);
        this.message = `Saved "${saved.name}".`;
      } catch (e) {
        // Another tab took the name meanwhile: re-list so `errors` shows it against the field.
        if (!isAppError(e, 'workflows', 'INVALID_TEMPLATE')) throw e;
        this.list = await exportTemplates();
        throw e;
      }
    });
  }

  /** Deletes the selected template and opens the next one. */
  async remove(): Promise<void> {
    const doomed = this.selected;
    if (!doomed) return this.newTemplate();
    await this.#run(async () => {
      await removeExportTemplate(doomed.id);
      this.list = await exportTemplates();
      this.#edit(this.list[0] ?? null);
      this.message = `Deleted "${doomed.name}".`;
    });
  }

  /** Inserts `${name}` into `field` over `start..end`; returns the caret position after it. */
  insertVariable(field: PlaceholderField, name: TemplateVariable, start: number, end = start): number {
    const { value, caret } = insertPlaceholder(this.draft[field], name, start, end);
    this.draft[field] = value;
    return caret;
  }

  #edit(record: ExportTemplateRecord | null): void {
    const draft = record ? draftOf(record) : emptyDraft();
    this.selectedId = record?.id ?? null;
    this.#baseline = draft;
    this.draft = { ...draft };
    this.#attempted = false;
    this.failure = null;
    this.message = '';
  }

  async #run(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.failure = null;
    try {
      await work();
      return true;
    } catch (e) {
      // Field problems are shown by `errors`; only other failures need a message of their own.
      if (!isAppError(e, 'workflows', 'INVALID_TEMPLATE')) this.failure = toAppError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

