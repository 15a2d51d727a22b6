/**
 * What a template editor does with each kind of template: the kind's draft rules (a new draft, a draft
 * of a published template, whether two drafts are the same, publishing one), and the relay calls that
 * refresh, list and withdraw, the same for every kind. The editors' state
 * (src/state/template-editor.svelte.ts) adds reactivity and the caller's role; the rules themselves stay
 * in ./card-templates.ts and ./export-templates.ts.
 */
import type { TapPolicy } from '../entra/tap-policy';
import * as cards from './card-templates';
import * as emails from './export-templates';
import type { PublishedRecord, RelayTemplateStore, TemplateKind, TemplateRecords } from './template-store';

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

/** The relay calls of an editor of `kind`: the same for every kind of template. */
function relayCalls<K extends TemplateKind>(store: RelayTemplateStore, kind: K) {
  return {
    refresh: () => store.refresh(),
    list: () => store.published(kind),
    remove: (t: PublishedRecord<TemplateRecords[K]>) => store.withdraw(kind, t.id, t.publication.version),
  };
}

/** Data-export (email) templates through `store`. */
export function exportTemplateEditing(
  store: RelayTemplateStore,
): TemplateEditing<emails.PublishedExportTemplate, emails.ExportTemplateDraft> {
  const save = (draft: emails.ExportTemplateDraft, opened: emails.PublishedExportTemplate | null) =>
    emails.publishExportTemplate(store, draft, opened);
  return { ...emails.EXPORT_DRAFTS, save, ...relayCalls(store, 'export') };
}

/** Card templates through `store`, each publish checked against the tenant's TAP policy as `policy()` reads it. */
export function cardTemplateEditing(
  store: RelayTemplateStore,
  policy: () => TapPolicy | null,
): TemplateEditing<cards.PublishedCardTemplate, cards.CardTemplateDraft> {
  const save = (draft: cards.CardTemplateDraft, opened: cards.PublishedCardTemplate | null) =>
    cards.publishCardTemplate(store, draft, opened, policy());
  return { ...cards.CARD_DRAFTS, save, ...relayCalls(store, 'card') };
}
