/**
 * Templates > Card Templates as the UI sees it: the published card templates (with version, publisher and
 * time), the one being edited, its problems per field, the data-export templates deliveries can use, the
 * tenant's TAP policy (when the operator may read it) and what Detect found in the open reader.
 */
import { AppError } from '../app-error';
import { TemplateEditorState } from './template-editor.svelte';
import type { TapPolicyResult } from '../workflows/helpdesk';
import {
  cardDraftProblems,
  clearOrphanedOptions,
  detectCredentialType,
  duplicateCardTemplate,
  publishedCardTemplates,
  type CardTemplateDraft,
  type DetectedCredential,
  type PublishedCardTemplate,
  type TemplateErrors,
} from '../workflows/card-templates';
import { publishedExportTemplates, type ExportTemplateRecord } from '../workflows/export-templates';
import { tenantTapPolicy } from '../workflows/helpdesk';
import { cardTemplateEditing } from '../workflows/template-editing';
import type { RelayTemplateStore } from '../workflows/template-store';
import type { ReaderState } from './readers.svelte';
import type { SessionState } from './session.svelte';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { DEFAULT_CERTIFICATE, type CredentialType } from '../workflows/card-templates';
export { CERTIFICATE_ALGORITHMS, CERTIFICATE_SLOTS, PIN_LENGTH } from '../workflows/card-template-rules';
export { TAP_LIFETIME } from '../workflows/card-template-tap-rules';
export type { ExportTemplateRecord };

/** Reactive card-template state; one instance for the app. */
export class CardTemplatesState extends TemplateEditorState<PublishedCardTemplate, CardTemplateDraft, TemplateErrors> {
  /** Data-export templates that deliveries may use. */
  exports = $state.raw<readonly ExportTemplateRecord[]>([]);
  policy = $state.raw<TapPolicyResult | null>(null);
  detected = $state.raw<DetectedCredential | null>(null);
  #exportIds = $derived(this.exports.map((t) => t.id));

  /**
   * `canEdit` says whether the signed-in caller is an administrator (composition root: the relay's
   * `whoami`); everyone else only reads.
   */
  constructor(
    private readonly session: SessionState,
    private readonly readers: ReaderState,
    private readonly store: RelayTemplateStore,
    canEdit: () => boolean,
  ) {
    super({ ...cardTemplateEditing(store, () => this.#tapPolicy()), canEdit });
  }

  /** Refreshes the copy from the relay, then lists card and data-export templates. */
  async load(): Promise<void> {
    await this.run(async () => {
      await this.relist();
      this.exports = await publishedExportTemplates(this.store);
    });
    this.loaded = true;
  }

  /** Reads the tenant's TAP policy once the operator is signed in (unreadable is an answer, not a failure). */
  async loadPolicy(): Promise<void> {
    const op = this.session.operator;
    if (op && !this.policy) this.policy = await tenantTapPolicy(op);
  }

  /** Switches off options whose parent was just switched off. */
  tidy(): void {
    clearOrphanedOptions(this.draft);
  }

  async duplicate(): Promise<void> {
    const original = this.selected;
    if (!original) return;
    await this.run(async () => {
      const copy = await duplicateCardTemplate(this.store, original);
      this.list = await publishedCardTemplates(this.store);
      this.edit(copy);
      this.message = `Created "${copy.name}".`;
    });
  }

  /** Detect: reads the card in the open reader and adds its type to the allowed credential types. */
  async detect(): Promise<void> {
    this.detected = null;
    const card = this.readers.card;
    if (!card) {
      this.failure = new AppError(
        'state',
        'CARD_NOT_OPEN',
        'Open a reader with a card in it (Lifecycle), then choose Detect again.',
      );
      return;
    }
    await this.run(async () => {
      const found = await detectCredentialType(card.transport);
      this.detected = found;
      const type = found.credentialType;
      if (type && !this.draft.allowedCredentialTypes.includes(type)) this.draft.allowedCredentialTypes.push(type);
    });
  }

  #tapPolicy() {
    return this.policy?.readable ? this.policy.policy : null;
  }

  protected override onEdit(): void {
    this.detected = null;
  }
  /** Problems per field path. */
  protected problems(): TemplateErrors {
    return cardDraftProblems(this.draft, this.list, this.selectedId, this.#exportIds, this.#tapPolicy());
  }
}
