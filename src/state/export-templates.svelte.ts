/**
 * Options > Connections > Data Export as the UI sees it: the published templates (with version, publisher
 * and time), the one being edited, its problems, a live preview with sample data, and the default template
 * an administrator may publish when there is none.
 */
import { toAppError, type AppError } from '../app-error';
import { TemplateEditorState } from './template-editor.svelte';
import {
  draftProblems,
  publishDefaultTemplate,
  publishedExportTemplates,
  unknownVariablesByField,
  type DraftErrors,
  type ExportTemplateDraft,
  type PlaceholderField,
  type PublishedExportTemplate,
  type RenderedEmail,
  type TemplateVariable,
} from '../workflows/export-templates';
import { insertPlaceholder, previewEmail } from '../workflows/export-template-preview';
import { exportTemplateEditing } from '../workflows/template-editing';
import type { RelayTemplateStore } from '../workflows/template-store';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { describeDraftErrors, FIELD_LABELS } from '../workflows/export-templates';
export { VARIABLE_CHOICES } from '../workflows/export-template-preview';
export type { PlaceholderField, TemplateVariable };

/** The preview: the rendered message, or why it cannot be rendered. */
export type EmailPreview =
  { readonly email: RenderedEmail; readonly error: null } | { readonly email: null; readonly error: AppError };

/** Reactive data-export template state; one instance for the app. */
export class ExportTemplatesState extends TemplateEditorState<
  PublishedExportTemplate,
  ExportTemplateDraft,
  DraftErrors
> {
  /** `canEdit` says whether the signed-in caller is an administrator; everyone else only reads. */
  constructor(
    private readonly store: RelayTemplateStore,
    canEdit: () => boolean,
  ) {
    super({ ...exportTemplateEditing(store), canEdit });
  }

  /** True when an administrator should be offered the default template: none is published. */
  get offerDefault(): boolean {
    return this.loaded && this.canEdit && this.list.length === 0 && !this.offline;
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

  /** Refreshes the copy from the relay, lists the templates and opens the first. */
  async load(): Promise<void> {
    await this.run(() => this.relist());
    this.loaded = true;
  }

  /** Publishes the default template (an administrator, when none is published) and opens it. */
  async publishDefault(): Promise<void> {
    await this.run(async () => {
      const published = await publishDefaultTemplate(this.store);
      this.list = await publishedExportTemplates(this.store);
      this.edit(published);
      this.message = `Published "${published.name}" as version ${published.publication.version}.`;
    });
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
