/**
 * Templates > Card Templates as the UI sees it: the saved card templates, the one being edited, its
 * problems per field, the data-export templates deliveries can use, the tenant's TAP policy (when the
 * operator may read it) and what Detect found in the open reader.
 */
import { AppError, isAppError, toAppError } from '../app-error';
import type { TapPolicyResult } from '../entra/tap-policy';
import {
  cardDraftOf,
  cardDraftProblems,
  cardTemplates,
  clearOrphanedOptions,
  detectCredentialType,
  duplicateCardTemplate,
  emptyCardDraft,
  removeCardTemplate,
  sameCardDraft,
  saveCardTemplate,
  type CardTemplateDraft,
  type CardTemplateRecord,
  type DetectedCredential,
  type TemplateErrors,
} from '../workflows/card-templates';
import { ensureDefaultTemplates, type ExportTemplateRecord } from '../workflows/export-templates';
import { tenantTapPolicy } from '../workflows/unblock';
import type { ReaderState } from './readers.svelte';
import type { SessionState } from './session.svelte';

/** Reactive card-template state; one instance for the app. */
export class CardTemplatesState {
  list = $state.raw<readonly CardTemplateRecord[]>([]);
  /** Data-export templates that deliveries may use. */
  exports = $state.raw<readonly ExportTemplateRecord[]>([]);
  policy = $state.raw<TapPolicyResult | null>(null);
  selectedId = $state<string | null>(null);
  draft = $state<CardTemplateDraft>(emptyCardDraft());
  loaded = $state(false);
  busy = $state(false);
  failure = $state.raw<AppError | null>(null);
  message = $state('');
  detected = $state.raw<DetectedCredential | null>(null);
  #baseline = $state.raw<CardTemplateDraft>(emptyCardDraft());
  #attempted = $state(false);

  selected = $derived(this.list.find((t) => t.id === this.selectedId) ?? null);
  dirty = $derived(!sameCardDraft(this.draft, this.#baseline));
  #exportIds = $derived(this.exports.map((t) => t.id));
  /** Problems per field path (empty until a save was attempted, then live). */
  errors = $derived<TemplateErrors>(
    this.#attempted ? cardDraftProblems(this.draft, this.list, this.selectedId, this.#exportIds, this.policy?.readable ? this.policy.policy : null) : {},
  );

  constructor(
    private readonly session: SessionState,
    private readonly readers: ReaderState,
  ) {}

  /** Lists card and data-export templates (creating the default export template when there is none). */
  async load(): Promise<void> {
    await this.#run(async () => {
      this.exports = await ensureDefaultTemplates();
      this.list = await cardTemplates();
      const keep = this.list.find((t) => t.id === this.selectedId);
      if (!this.dirty || !keep) this.#edit(keep ?? this.list[0] ?? null);
    });
    this.loaded = true;
  }

  /** Reads the tenant's TAP policy once the operator is signed in (unreadable is an answer, not a failure). */
  async loadPolicy(): Promise<void> {
    const op = this.session.operator;
    if (op && !this.policy) this.policy = await tenantTapPolicy(op);
  }

  select(id: string): void {
    const record = this.list.find((t) => t.id === id);
    if (record) this.#edit(record);
  }

  newTemplate(): void {
    this.#edit(null);
  }

  discard(): void {
    this.#edit(this.selected);
  }

  /** Switches off options whose parent was just switched off. */
  tidy(): void {
    clearOrphanedOptions(this.draft);
  }

  /** Saves the draft; false when it has problems (then `errors` lists them) or the store failed. */
  async save(): Promise<boolean> {
    this.#attempted = true;
    this.message = '';
    if (Object.keys(this.errors).length) return false;
    return this.#run(async () => {
      try {
        const saved = await saveCardTemplate($state.snapshot(this.draft), this.selectedId, this.policy?.readable ? this.policy.policy : null);
        this.list = await cardTemplates();
        this.#edit(saved);
        this.message = `Saved "${saved.name}".`;
      } catch (e) {
        // Another tab took the name meanwhile: re-list so `errors` shows it against the field.
        this.list = await cardTemplates();
        throw e;
      }
    });
  }

  async remove(): Promise<void> {
    const doomed = this.selected;
    if (!doomed) return this.newTemplate();
    await this.#run(async () => {
      await removeCardTemplate(doomed.id);
      this.list = await cardTemplates();
      this.#edit(this.list[0] ?? null);
      this.message = `Deleted "${doomed.name}".`;
    });
  }

  async duplicate(): Promise<void> {
    const original = this.selected;
    if (!original) return;
    await this.#run(async () => {
      const copy = await duplicateCardTemplate(original);
      this.list = await cardTemplates();
      this.#edit(copy);
      this.message = `Created "${copy.name}".`;
    });
  }

  /** Detect: reads the card in the open reader and adds its type to the allowed credential types. */
  async detect(): Promise<void> {
    this.detected = null;
    const card = this.readers.card;
    if (!card) {
      this.failure = new AppError('state', 'NO_CARD', 'Open a reader with a card in it (Lifecycle), then choose Detect again.');
      return;
    }
    await this.#run(async () => {
      const found = await detectCredentialType(card.transport);
      this.detected = found;
      const type = found.credentialType;
      if (type && !this.draft.allowedCredentialTypes.includes(type)) this.draft.allowedCredentialTypes.push(type);
    });
  }

  #edit(record: CardTemplateRecord | null): void {
    const draft = record ? cardDraftOf(record) : emptyCardDraft();
    this.selectedId = record?.id ?? null;
    this.#baseline = draft;
    this.draft = structuredClone(draft);
    this.#attempted = false;
    this.failure = null;
    this.message = '';
    this.detected = null;
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

