/**
 * What the two template editors (data-export emails, card templates) share: the saved list, the record
 * being edited, its draft against the last loaded or saved one, field problems once a save was tried,
 * and select / new / discard / save / remove with a status line. Each kind supplies its store calls and
 * its draft rules.
 */
import { isAppError, toAppError, type AppError } from '../app-error';

/** A saved template as the editor lists it. */
interface Named {
  readonly id: string;
  readonly name: string;
}

/** How one kind of template is drafted and stored. */
export interface TemplateKind<R extends Named, D> {
  /** A new template's draft. */
  empty(): D;
  draftOf(record: R): D;
  same(a: D, b: D): boolean;
  /** Every saved template of this kind. */
  list(): Promise<readonly R[]>;
  save(draft: D, id: string | null): Promise<R>;
  remove(id: string): Promise<void>;
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

  /** Saves the draft; false when it has problems (then `errors` lists them) or the store failed. */
  async save(): Promise<boolean> {
    this.#attempted = true;
    this.message = '';
    if (Object.keys(this.errors).length) return false;
    return this.run(async () => {
      try {
        const saved = await this.kind.save($state.snapshot(this.draft) as D, this.selectedId);
        this.list = await this.kind.list();
        this.edit(saved);
        this.message = `Saved "${saved.name}".`;
      } catch (e) {
        // Another tab took the name meanwhile: re-list so `errors` shows it against the field.
        if (isAppError(e, 'workflows', 'INVALID_TEMPLATE')) this.list = await this.kind.list();
        throw e;
      }
    });
  }

  /** Deletes the selected template and opens the next one. */
  async remove(): Promise<void> {
    const doomed = this.selected;
    if (!doomed) return this.newTemplate();
    await this.run(async () => {
      await this.kind.remove(doomed.id);
      this.list = await this.kind.list();
      this.edit(this.list[0] ?? null);
      this.message = `Deleted "${doomed.name}".`;
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
