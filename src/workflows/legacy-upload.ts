/**
 * The one-time upload, on an administrator's sign-in, of what an older Keyward kept in this browser's
 * IndexedDB before the relay was the system of record (issue 12): its card registry, through
 * `POST /api/cards/import` (the relay registers cards it does not know and lists the ones it does, never
 * overwriting them), and its card and data-export templates, published as version 1 (one the relay
 * already holds is a conflict, never overwritten; ./template-upload.ts). The browser remembers the upload
 * only once it succeeded, conflicts and all; a failure leaves it to be tried again.
 */
import { ImportedCard, type Card } from '../relay-api/contract';
import { importCards } from '../relay-api/cards';
import type { RelayEndpoint } from '../relay-api/request';
import type { RegistryRecord } from '../store/db';
import { doneAt, markDone } from '../store/markers';
import { allCards } from '../store/registry';
import { unpublishedTemplates } from '../store/template-copy';
import type { RelayTemplateStore } from './template-store';
import { uploadTemplates, type TemplateToUpload, type TemplateUploadResult } from './template-upload';

const MARKER = 'legacy-upload';
/** The relay takes at most this many cards per import (contract.ts `CardImportBody`). */
const BATCH = 5000;

/** What this browser still holds for the upload. */
export interface LegacyHoldings {
  readonly cards: readonly RegistryRecord[];
  readonly templates: readonly TemplateToUpload[];
}

/** A card the upload could not send as it is, with why (the relay's rules for a card, in words). */
export interface SkippedCard {
  readonly cardId: string;
  readonly problems: readonly string[];
}

/** What the upload did. */
export interface LegacyUploadResult {
  /** Card ids the relay registered. */
  readonly imported: readonly string[];
  /** Cards the relay already knew: left as it has them, listed with its record (holder, state). */
  readonly cardConflicts: readonly { readonly cardId: string; readonly current: Card }[];
  readonly skipped: readonly SkippedCard[];
  readonly templates: TemplateUploadResult;
}

/** What is left to upload, or null when this browser's upload is done or it holds nothing to upload. */
export async function legacyHoldings(): Promise<LegacyHoldings | null> {
  if (await doneAt(MARKER)) return null;
  const templates: TemplateToUpload[] = [
    ...(await unpublishedTemplates('export')).map((record) => ({ kind: 'export' as const, record })),
    ...(await unpublishedTemplates('card')).map((record) => ({ kind: 'card' as const, record })),
  ];
  const cards = await allCards();
  return cards.length || templates.length ? { cards, templates } : null;
}

/**
 * Uploads what `legacyHoldings` lists as the administrator `relay` reaches: templates first (issued cards
 * name them), then the registry. Remembers the upload as done only when every call succeeded.
 */
export async function uploadLegacyData(relay: RelayEndpoint, store: RelayTemplateStore): Promise<LegacyUploadResult> {
  const holdings = (await legacyHoldings()) ?? { cards: [], templates: [] };
  const templates = await uploadTemplates(store, holdings.templates);
  const { valid, skipped } = importable(holdings.cards);
  const imported: string[] = [];
  const cardConflicts: { cardId: string; current: Card }[] = [];
  for (let i = 0; i < valid.length; i += BATCH) {
    const answer = await importCards(relay, valid.slice(i, i + BATCH));
    imported.push(...answer.imported);
    cardConflicts.push(...answer.conflicts);
  }
  await markDone(MARKER);
  return { imported, cardConflicts, skipped, templates };
}

/** The registry's records as the relay takes them, and those it would refuse, with why. */
function importable(records: readonly RegistryRecord[]): { valid: ImportedCard[]; skipped: SkippedCard[] } {
  const valid: ImportedCard[] = [];
  const skipped: SkippedCard[] = [];
  for (const r of records) {
    const parsed = ImportedCard.safeParse({
      cardId: r.cardId,
      state: r.state,
      credentialType: r.credentialType,
      serial: r.serial,
      holderOid: r.userId ?? '',
      holderName: r.userDisplayName ?? '',
      holderUpn: r.userUpn ?? '',
      templateId: r.templateId ?? '',
      issuedAt: r.issuedAt,
      lostAt: r.lostAt ?? null,
    });
    if (parsed.success) valid.push(parsed.data);
    else
      skipped.push({
        cardId: r.cardId,
        problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'card'} ${issue.message}`),
      });
  }
  return { valid, skipped };
}
