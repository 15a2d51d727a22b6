/**
 * What the two template editors (data-export emails, card templates) share: the published list, the
 * template being edited, its draft against the version last loaded or published, field problems once a
 * save was tried, and select / new / discard / save (publish the next version) / remove (withdraw) with a
 * status line. Each kind supplies its relay calls and its draft rules. Only administrators change
 * templates: `canEdit` says whether the signed-in caller is one (the relay refuses everyone else anyway).
 */
import { isAppError, toAppError, type AppError } from '../app-error';
import type { TemplateEditing } from '../workflows/template-editing';
import type { Publication } from '../workflows/template-store';

export type { Publication };

/** A published template as the editor lists it. */
interface Named {
  readonly id: string;
  readonly name: string;
  readonly publication: Publication;
}

/** How one kind of template is drafted and published, and whether the caller may change it. */
export interface TemplateKind<R extends Named, D> extends TemplateEditing<R, D> {
  /** True when the signed-in caller may publish and withdraw (an administrator). */
  canEdit(): boolean;
}

/** Reactive editor state for templates `R` edited as drafts `D`, with field problems `E`. */
export abstract class TemplateEditorState<R extends Named, D, E extends object> {
  /** The saved templates, by name; replaced after every change. */
  list = $state.raw<readonly R[]>([]);
  /** The template being edited, or null for a new one. */
  selectedId = $state<string | null>(null);
  /** The editor's fields (bound by the UI). */
  draft = $state<D>() as D;
  loaded = $state(false);
  busy = $state(false);
  /** A failure that is not about the draft's fields (storage, …). */
  failure = $state.raw<AppError | null>(null);
  /** What the last action did, for a status line. */
  message = $state('');
  /** True when the relay did not answer at the last load: the list is this browser's copy. */
  offline = $state(false);
  #baseline = $state.raw<D>() as D;
  /** Field problems show once the operator has tried to save, then follow their edits live. */
  #attempted = $state(false);

  selected = $derived(this.list.find((t) => t.id === this.selectedId) ?? null);
  /** Problems per field that block saving (empty until a save was attempted). */
  errors = $derived<E>(this.#attempted ? this.problems() : ({} as E));

  constructor(private readonly kind: TemplateKind<R, D>) {
    this.draft = kind.empty();
    this.#baseline = kind.empty();
  }

  /** True when the signed-in caller may publish and withdraw templates (an administrator). */
  get canEdit(): boolean {
    return this.kind.canEdit();
  }

  /** True when the draft differs from what was last loaded or saved. */
  get dirty(): boolean {
    return !this.kind.same(this.draft, this.#baseline);
  }

  /** The draft's problems per field, against the other saved templates. */
  protected abstract problems(): E;
  /** Resets what a subclass keeps about the template being edited. */
  protected onEdit(): void {}

  /** Opens template `id` in the editor, dropping unsaved edits. */
  select(id: string): void {
    const record = this.list.find((t) => t.id === id);
    if (record) this.edit(record);
  }

  /** Starts a new template, dropping unsaved edits. */
  newTemplate(): void {
    this.edit(null);
  }

  /** Puts back what was last loaded or saved. */
  discard(): void {
    this.edit(this.selected);
  }

  /** Shows `list`, keeping the template being edited (and unsaved edits to it) when it is still there. */
  protected reopen(list: readonly R[]): void {
    this.list = list;
    const keep = this.list.find((t) => t.id === this.selectedId);
    if (!this.dirty || !keep) this.edit(keep ?? this.list[0] ?? null);
  }

  /** Refreshes from the relay (or reads the copy when it does not answer) and shows the list. */
  protected async relist(): Promise<void> {
    let failure: unknown = null;
    const refreshed = await this.kind.refresh().catch((e: unknown) => ((failure = e), false));
    this.offline = !refreshed && failure === null;
    this.reopen(await this.kind.list());
    if (failure) throw failure;
  }

  /**
   * Publishes the draft as the next version; false when it has problems (then `errors` lists them) or the
   * relay refused. When someone published a newer version meanwhile, the list shows theirs and the draft
   * stays, so the administrator can look at theirs (Discard changes) before making the change again.
   */
  async save(): Promise<boolean> {
    this.#attempted = true;
    this.message = '';
    if (Object.keys(this.errors).length) return false;
    return this.run(async () => {
      try {
        const saved = await this.kind.save($state.snapshot(this.draft) as D, this.selected);
        this.list = await this.kind.list();
        this.edit(saved);
        this.message = `Saved "${saved.name}". Version ${saved.publication.version} is published for every operator.`;
      } catch (e) {
        await this.#showTheirs(e);
        throw e;
      }
    });
  }

  /** After a refusal because another administrator took the name or changed the template: show theirs. */
  async #showTheirs(e: unknown): Promise<void> {
    const newer = isAppError(e, 'relay-api', 'TEMPLATE_CHANGED_ELSEWHERE');
    if (newer) await this.kind.refresh().catch(() => false);
    if (newer || isAppError(e, 'workflows', 'INVALID_TEMPLATE')) this.list = await this.kind.list();
  }

  /** Withdraws the selected template and opens the next one. */
  async remove(): Promise<void> {
    const doomed = this.selected;
    if (!doomed) return this.newTemplate();
    await this.run(async () => {
      await this.kind.remove(doomed).catch(async (e: unknown) => {
        await this.#showTheirs(e);
        throw e;
      });
      this.list = await this.kind.list();
      this.edit(this.list[0] ?? null);
      this.message = `Withdrew "${doomed.name}": nothing new uses it; what was issued under it still names it.`;
    });
  }

  /** Opens `record` (or a new draft) in the editor. */
  protected edit(record: R | null): void {
    const draft = record ? this.kind.draftOf(record) : this.kind.empty();
    this.selectedId = record?.id ?? null;
    this.#baseline = draft;
    this.draft = structuredClone(draft);
    this.#attempted = false;
    this.failure = null;
    this.message = '';
    this.onEdit();
  }

  /** Runs an action with `busy` set; true when it succeeded. */
  protected async run(work: () => Promise<void>): Promise<boolean> {
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
