/**
 * Templates > Card Templates (vSEC:CMS credential template; DESIGN.md "The workflow being reproduced",
 * step 2): drafts, checking, publishing (saving publishes the next version to the relay), duplicating and
 * withdrawing card templates, and "Detect", which reads the credential in the open reader to offer its type.
 */
import { AppError } from '../app-error';
import { detectCard } from '../cards/detect';
import type { CardTransport } from '../cards/readers';
import type { TapPolicy } from '../entra/tap-policy';
import { listCardTemplates, type CardTemplateRecord } from '../store/card-templates';
import { canonicalCardTemplate, cardTemplateProblems, NAME_MAX } from './card-template-rules';
import { describeProblems, problemsByPath, type FieldProblem } from './field-checks';
import type { PublishedRecord, RelayTemplateStore } from './template-store';

export type { CardTemplateRecord } from '../store/card-templates';
export type { Publication } from './template-store';

/** A card template as the relay published it: what the Card Templates screen lists and edits. */
export type PublishedCardTemplate = PublishedRecord<CardTemplateRecord>;

type Mutable<T> = T extends readonly (infer E)[]
  ? Mutable<E>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;

/** The editable part of a card template; the editor binds its fields. */
export type CardTemplateDraft = Mutable<Omit<CardTemplateRecord, 'id' | 'updatedAt'>>;
/** A credential type a template may apply to. */
export type CredentialType = CardTemplateDraft['allowedCredentialTypes'][number];
/** Enroll certificate options when on. */
export type CertificateOptions = NonNullable<CardTemplateDraft['issue']['certificate']>;
/** Problems per field path (`tap.lifetimeOverrideMinutes`), each a sentence. */
export type TemplateErrors = Record<string, string[]>;

/** What the editor offers for an enrolled certificate when it is switched on. */
export const DEFAULT_CERTIFICATE: CertificateOptions = {
  slot: '9a',
  algorithm: 'ECCP256',
  subject: 'CN=${DisplayName}',
  upnSan: '${UserPrincipalName}',
};

/** A new template: a user is assigned, the activation PIN is shown, no certificate, no TAP. */
export function emptyCardDraft(): CardTemplateDraft {
  return {
    name: '',
    description: '',
    allowedCredentialTypes: ['yubikey', 'piv'],
    issue: {
      assignUser: true,
      pinPolicy: { minLength: 6, maxLength: 8, digitsOnly: true },
      activationPin: { delivery: 'show' },
      certificate: null,
    },
    tap: {
      enabled: false,
      userMayRequest: false,
      forceAuthentication: false,
      forceAuthenticationDeliverTemplateId: null,
      operatorMayGenerate: false,
      showCode: false,
      operatorDeliverTemplateId: null,
      lifetimeOverrideMinutes: null,
      usableOnce: false,
    },
    initiate: { systemGeneratesTap: false, exportTemplateIds: [] },
  };
}

/** The editable fields of a saved template (a deep copy). */
export function cardDraftOf(record: CardTemplateRecord): CardTemplateDraft {
  const { id: _id, updatedAt: _at, ...rest } = canonicalCardTemplate(record);
  return structuredClone(rest) as CardTemplateDraft;
}

/** True when two drafts hold the same values. */
export function sameCardDraft(a: CardTemplateDraft, b: CardTemplateDraft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** How an editor drafts card templates (./template-editing.ts). */
export const CARD_DRAFTS = { empty: emptyCardDraft, draftOf: cardDraftOf, same: sameCardDraft };

/** Problems of `draft` per field path; `others` are the saved templates, `id` the one being edited. */
export function cardDraftProblems(
  draft: CardTemplateDraft,
  others: readonly CardTemplateRecord[],
  id: string | null,
  exportTemplateIds: Iterable<string>,
  policy: TapPolicy | null = null,
): TemplateErrors {
  const takenNames = new Set(others.filter((t) => t.id !== id).map((t) => t.name.trim().toLowerCase()));
  return problemsByPath(
    cardTemplateProblems(draft, { exportTemplateIds: new Set(exportTemplateIds), takenNames, policy }),
  );
}

/** Every card template this browser holds, by name (the lifecycle's list until it reads the TemplateStore). */
export function cardTemplates(): Promise<CardTemplateRecord[]> {
  return listCardTemplates();
}

/** The published card templates that are not withdrawn, by name, refreshed from the relay when it answers. */
export function publishedCardTemplates(store: RelayTemplateStore): Promise<PublishedCardTemplate[]> {
  return store.published('card');
}

/**
 * Checks `draft` and publishes it as a new template (`opened` null, version 1) or as the next version of
 * `opened`, the version the administrator opened. Throws `AppError('workflows', 'INVALID_TEMPLATE', …,
 * { problems, byField })` when it cannot be published, and the relay's `TEMPLATE_CHANGED_ELSEWHERE` when
 * someone published a newer version meanwhile.
 */
export async function publishCardTemplate(
  store: RelayTemplateStore,
  draft: CardTemplateDraft,
  opened: PublishedCardTemplate | null,
  policy: TapPolicy | null = null,
): Promise<PublishedCardTemplate> {
  const exportIds = new Set((await store.published('export')).map((t) => t.id));
  const others = await store.published('card');
  const takenNames = new Set(others.filter((t) => t.id !== opened?.id).map((t) => t.name.trim().toLowerCase()));
  const problems = cardTemplateProblems(draft, { exportTemplateIds: exportIds, takenNames, policy });
  if (problems.length) throw invalid(problems);
  const record = canonicalCardTemplate({
    ...structuredClone(draft),
    name: draft.name.trim(),
    id: opened?.id ?? crypto.randomUUID(),
    updatedAt: new Date().toISOString(),
  });
  return store.publish('card', record, opened?.publication.version ?? 0);
}

function invalid(problems: readonly FieldProblem[]): AppError {
  const lines = describeProblems(problems);
  return new AppError('workflows', 'INVALID_TEMPLATE', `The card template cannot be saved: ${lines.join('; ')}`, {
    problems: lines,
    byField: problemsByPath(problems),
  });
}

/** Withdraws `template`: no new card is issued under it; cards issued under it still name it. */
export function withdrawCardTemplate(
  store: RelayTemplateStore,
  template: PublishedCardTemplate,
): Promise<PublishedCardTemplate> {
  return store.withdraw('card', template.id, template.publication.version);
}

/** A copy of `record` under the first free name "<name> (copy)", "<name> (copy 2)", …; published at once. */
export async function duplicateCardTemplate(
  store: RelayTemplateStore,
  record: CardTemplateRecord,
): Promise<PublishedCardTemplate> {
  const taken = new Set((await store.published('card')).map((t) => t.name.trim().toLowerCase()));
  const base = record.name.slice(0, NAME_MAX - 12);
  let name = `${base} (copy)`;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} (copy ${n})`;
  return publishCardTemplate(store, { ...cardDraftOf(record), name }, null);
}

/** What Detect found: the readable type name and the template credential type it maps to (if any). */
export interface DetectedCredential {
  readonly typeName: string;
  readonly credentialType: CredentialType | null;
}

/** Reads the credential in the reader (ATR, SELECT PIV, YubiKey version) and maps it to a template type. */
export async function detectCredentialType(transport: CardTransport): Promise<DetectedCredential> {
  const card = await detectCard(transport);
  return { typeName: card.typeName, credentialType: card.kind === 'unknown' ? null : card.kind };
}

/**
 * Clears options whose parent is off (in place), so switching a parent off in the editor never leaves a
 * hidden child set that would block saving.
 */
export function clearOrphanedOptions(d: CardTemplateDraft): void {
  const { tap, initiate } = d;
  if (!tap.enabled)
    Object.assign(tap, {
      userMayRequest: false,
      operatorMayGenerate: false,
      usableOnce: false,
      lifetimeOverrideMinutes: null,
    });
  if (!tap.enabled) initiate.systemGeneratesTap = false;
  if (!tap.userMayRequest) tap.forceAuthentication = false;
  if (!tap.forceAuthentication) tap.forceAuthenticationDeliverTemplateId = null;
  if (!tap.operatorMayGenerate) Object.assign(tap, { showCode: false, operatorDeliverTemplateId: null });
  if (!initiate.systemGeneratesTap) initiate.exportTemplateIds = [];
}
