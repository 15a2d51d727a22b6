/**
 * Around the lifecycle operations: which lifecycle state the card in the reader is in (Detect + the
 * service's registry + Detect Locked), the published templates that apply to it, and the preconditions
 * checked before a card is touched (master key, template, the holder's new PIN typed twice).
 */
import { AppError } from '../../app-error';
import { identifyCard, openCard } from '../../cards/card';
import { checkPinPolicy, type PinPolicy } from '../../cards/pins';
import type { CardTransport } from '../../cards/readers';
import type { CardTemplateRecord } from '../../store/db';
import type { Card, Published, TemplateStore } from '../ports';
import type { LifecyclePorts } from './types';
import { detectLocked } from './unblock';

export type { Card, CardTemplateRecord, CardTransport, Published };

/** A lifecycle state, as the service records it (plus `locked` read from a card whose PIN is blocked). */
export type CardState = Card['state'];

/** The card in the reader: what it is, the service's record of it and its lifecycle state. */
export interface CardStatus {
  readonly state: CardState;
  readonly kind: 'yubikey' | 'piv';
  readonly typeName: string;
  readonly serial: number | null;
  /** The card's id (`serial:…` or `chuid:<FASC-N>`); null for a generic card without a CHUID. */
  readonly cardId: string | null;
  /** The service's record; null for a card the service has never heard of. */
  readonly record: Card | null;
  /** PIN tries left, where the card says (null once verified or unknown). */
  readonly pinRetriesLeft: number | null;
}

/**
 * Reads the card in `transport`: Detect, its id, the service's record, and (for an issued or active
 * card) whether its PIN is blocked, which the service records as `locked` for an active card. Nothing
 * is written to the card.
 */
export async function inspectCard(transport: CardTransport, ports: LifecyclePorts): Promise<CardStatus> {
  const card = await openCard(transport);
  const id = await identifyCard(card);
  const base = { kind: card.kind, typeName: card.detected.typeName, serial: card.serial, cardId: id?.cardId ?? null };
  const record = id ? await ports.registry.card(id.cardId) : null;
  if (!record || record.state === 'blank' || record.state === 'retired')
    return { ...base, state: record?.state ?? 'blank', record, pinRetriesLeft: null };
  const { record: now, pinRetriesLeft } = await detectLocked(transport, ports);
  // An issued card whose activation PIN is blocked has no `locked` in the service; it is locked in hand.
  const state = pinRetriesLeft === 0 ? 'locked' : now.state;
  return { ...base, state, record: now, pinRetriesLeft };
}

/** The published card templates that may be applied to a `kind` credential. */
export async function issuingTemplates(
  kind: CardStatus['kind'],
  templates: TemplateStore,
): Promise<Published<CardTemplateRecord>[]> {
  return (await templates.cardTemplates()).filter((t) => t.record.allowedCredentialTypes.includes(kind));
}

/** The template the card was issued under, as published now; `TEMPLATE_GONE` when it was withdrawn since. */
export async function templateOfCard(record: Card, templates: TemplateStore): Promise<CardTemplateRecord> {
  const template = record.template.id ? await templates.cardTemplate(record.template.id) : null;
  if (!template)
    throw new AppError('workflows', 'TEMPLATE_GONE', 'The card template this card was issued under is withdrawn.', {
      templateId: record.template.id,
    });
  return template.record;
}

/** Checks the holder's new PIN, typed twice, against the template's policy before anything is sent to the card. */
export function checkNewPin(pin: string, repeat: string, template: CardTemplateRecord): void {
  checkRepeatedPin(pin, repeat, template.issue.pinPolicy);
}

/** Checks a new PIN typed twice (`PIN_MISMATCH`) and against `policy` (cards `PIN_POLICY`). */
export function checkRepeatedPin(pin: string, repeat: string, policy: PinPolicy): void {
  if (pin !== repeat) throw new AppError('workflows', 'PIN_MISMATCH', 'The two new PINs differ.');
  checkPinPolicy(pin, policy);
}
