/**
 * Around the lifecycle operations: which lifecycle state the card in the reader is in (Detect + registry
 * + Detect Locked), the templates that apply to it, and the preconditions checked before a card is
 * touched (master key, template, the holder's new PIN typed twice).
 */
import { AppError } from '../../app-error';
import { identifyCard, openCard } from '../../cards/card';
import { checkPinPolicy } from '../../cards/pins';
import { getCardTemplate } from '../../store/card-templates';
import type { CardState, CardTemplateRecord, RegistryRecord } from '../../store/db';

export type { CardState, CardTemplateRecord, CardTransport, RegistryRecord };
import { getCard } from '../../store/registry';
import type { CardTransport } from '../../cards/readers';
import { cardTemplates } from '../card-templates';
import { currentMasterKey } from '../master-key';
import { migrateLegacyRecord } from './legacy-record';
import { detectLocked } from './unblock';

/** The card in the reader: what it is, its registry record and its lifecycle state. */
export interface CardStatus {
  readonly state: CardState;
  readonly kind: 'yubikey' | 'piv';
  readonly typeName: string;
  readonly serial: number | null;
  /** The registry's record; null for a card this browser never issued. */
  readonly record: RegistryRecord | null;
  /** PIN tries left, where the card says (null once verified or unknown). */
  readonly pinRetriesLeft: number | null;
}

/**
 * Reads the card in `transport`: Detect, its id, the registry, and (for an issued card) whether its PIN
 * is blocked, which moves it to `locked`. Nothing is written to the card; a record an earlier version
 * kept under the card's GUID is moved to its id first (`migrateLegacyRecord`).
 */
export async function inspectCard(transport: CardTransport): Promise<CardStatus> {
  const card = await openCard(transport);
  const base = { kind: card.kind, typeName: card.detected.typeName, serial: card.serial };
  const id = await identifyCard(card);
  if (id) await migrateLegacyRecord(id);
  const record = id ? ((await getCard(id.cardId)) ?? null) : null;
  if (!record || record.state === 'blank' || record.state === 'retired')
    return { ...base, state: record?.state ?? 'blank', record, pinRetriesLeft: null };
  const { record: now, pinRetriesLeft } = await detectLocked(transport);
  return { ...base, state: now.state, record: now, pinRetriesLeft };
}

/** The card templates that may be applied to a `kind` credential. */
export async function issuingTemplates(kind: CardStatus['kind']): Promise<CardTemplateRecord[]> {
  return (await cardTemplates()).filter((t) => t.allowedCredentialTypes.includes(kind));
}

/** The card master key; `MASTER_KEY_MISSING` when this browser has none, so nothing can be issued. */
export async function requireMasterKey(): Promise<CryptoKey> {
  const key = await currentMasterKey();
  if (!key) throw new AppError('workflows', 'MASTER_KEY_MISSING', 'This browser holds no card master key.');
  return key;
}

/** The template the card was issued under; `TEMPLATE_GONE` when it was deleted since. */
export async function templateOfCard(record: RegistryRecord): Promise<CardTemplateRecord> {
  const template = record.templateId ? await getCardTemplate(record.templateId) : undefined;
  if (!template)
    throw new AppError('workflows', 'TEMPLATE_GONE', 'The card template this card was issued under no longer exists.', {
      templateId: record.templateId,
    });
  return template;
}

/** Checks the holder's new PIN, typed twice, against the template's policy before anything is sent to the card. */
export function checkNewPin(pin: string, repeat: string, template: CardTemplateRecord): void {
  if (pin !== repeat) throw new AppError('workflows', 'PIN_MISMATCH', 'The two new PINs differ.');
  checkPinPolicy(pin, template.issue.pinPolicy);
}
