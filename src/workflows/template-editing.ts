/**
 * What a template editor does with each kind of template, in one place per kind: a new draft, a draft of
 * a published template, whether two drafts are the same, and the relay calls that list, publish and
 * withdraw. The editors' state (src/state/template-editor.svelte.ts) adds reactivity and the caller's
 * role; the rules themselves stay in ./card-templates.ts and ./export-templates.ts.
 */
import type { TapPolicy } from '../entra/tap-policy';
import * as cards from './card-templates';
import type { CardTemplateDraft, PublishedCardTemplate } from './card-templates';
import * as exports from './export-templates';
import type { ExportTemplateDraft, PublishedExportTemplate } from './export-templates';
import type { RelayTemplateStore } from './template-store';

/** How one kind of template `R` is drafted as `D` and published. */
export interface TemplateEditing<R, D> {
  /** A new template's draft. */
  empty(): D;
  draftOf(record: R): D;
  same(a: D, b: D): boolean;
  /** Refreshes this browser's copy from the relay; false when the relay did not answer (the copy is shown). */
  refresh(): Promise<boolean>;
  /** Every published template of this kind that is not withdrawn. */
  list(): Promise<readonly R[]>;
  /** Publishes `draft` as a new template, or as the version after `opened` (the one the administrator opened). */
  save(draft: D, opened: R | null): Promise<R>;
  /** Withdraws `record` (at the version the administrator read). */
  remove(record: R): Promise<unknown>;
}

/** Data-export (email) templates through `store`. */
export function exportTemplateEditing(
  store: RelayTemplateStore,
): TemplateEditing<PublishedExportTemplate, ExportTemplateDraft> {
  return {
    empty: exports.emptyDraft,
    draftOf: exports.draftOf,
    same: exports.sameDraft,
    refresh: () => store.refresh(),
    list: () => exports.publishedExportTemplates(store),
    save: (draft, opened) => exports.publishExportTemplate(store, draft, opened),
    remove: (template) => exports.withdrawExportTemplate(store, template),
  };
}

/** Card templates through `store`, each publish checked against the tenant's TAP policy as `policy()` reads it. */
export function cardTemplateEditing(
  store: RelayTemplateStore,
  policy: () => TapPolicy | null,
): TemplateEditing<PublishedCardTemplate, CardTemplateDraft> {
  return {
    empty: cards.emptyCardDraft,
    draftOf: cards.cardDraftOf,
    same: cards.sameCardDraft,
    refresh: () => store.refresh(),
    list: () => cards.publishedCardTemplates(store),
    save: (draft, opened) => cards.publishCardTemplate(store, draft, opened, policy()),
    remove: (template) => cards.withdrawCardTemplate(store, template),
  };
}
