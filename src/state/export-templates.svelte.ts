/**
 * Options > Connections > Data Export as the UI sees it: the saved templates, the one being edited, its
 * problems and a live preview with sample data.
 */
import { toAppError, type AppError } from '../app-error';
import { TemplateEditorState } from './template-editor.svelte';
import {
  draftOf,
  draftProblems,
  emptyDraft,
  ensureDefaultTemplates,
  exportTemplates,
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
import { insertPlaceholder, previewEmail } from '../workflows/export-template-preview';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { describeDraftErrors, FIELD_LABELS } from '../workflows/export-templates';
export { VARIABLE_CHOICES } from '../workflows/export-template-preview';
export type { PlaceholderField, TemplateVariable };

/** The preview: the rendered message, or why it cannot be rendered. */
export type EmailPreview =
  { readonly email: RenderedEmail; readonly error: null } | { readonly email: null; readonly error: AppError };

/** Reactive data-export template state; one instance for the app. */
export class ExportTemplatesState extends TemplateEditorState<ExportTemplateRecord, ExportTemplateDraft, DraftErrors> {
  constructor() {
    super({
      empty: emptyDraft,
      draftOf,
      same: sameDraft,
      list: exportTemplates,
      save: saveExportTemplate,
      remove: removeExportTemplate,
    });
  }

  /** Unknown variables per field, flagged as the operator types. */
  unknown = $derived(unknownVariablesByField(this.draft));
  preview = $derived.by((): EmailPreview => {
    try {
      return { email: previewEmail(this.draft), error: null };
    } catch (e) {
      return { email: null, error: toAppError(e) };
    }
  });

  /** Lists the templates (creating the default one if there are none) and opens the first. */
  async load(): Promise<void> {
    await this.run(async () => this.reopen(await ensureDefaultTemplates()));
    this.loaded = true;
  }

  /** Inserts `${name}` into `field` over `start..end`; returns the caret position after it. */
  insertVariable(field: PlaceholderField, name: TemplateVariable, start: number, end = start): number {
    const { value, caret } = insertPlaceholder(this.draft[field], name, start, end);
    this.draft[field] = value;
    return caret;
  }

  protected problems(): DraftErrors {
    return draftProblems(this.draft, this.list, this.selectedId);
  }
}
