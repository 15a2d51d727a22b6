/**
 * Smart Card Unblock (card side) and Detect Locked.
 *
 * Unblock: RESET RETRY COUNTER (SP 800-73-4 Part 2 §3.2.3) with the PUK derived for this card sets the
 * holder's new PIN; the registry goes `locked` → `active`. Detect Locked: VERIFY without data (§3.2.1)
 * answering 6983 / 63C0 means the PIN is blocked; an `issued`/`active` card becomes `locked`.
 */
import { derivePuk } from '../../cards/admin-secrets';
import { identifyCard, openCard } from '../../cards/card';
import { pinRetriesLeft, reportedPukRetries, resetPinWithPuk } from '../../cards/holder-pin-steps';
import { checkPinPolicy } from '../../cards/pins';
import type { CardTemplateRecord, RegistryRecord } from '../../store/db';
import { getCard, putCard } from '../../store/registry';
import type { CardTransport } from '../../cards/readers';
import { migrateLegacyRecord } from './legacy-record';
import { LifecycleRun } from './run';
import { lifecycleError, type OnStep, type StepEvent } from './types';

/** What unblocking needs. */
export interface UnblockInput {
  readonly transport: CardTransport;
  readonly masterKey: CryptoKey;
  readonly newPin: string;
  readonly template: CardTemplateRecord;
  readonly onStep?: OnStep;
}

/** What was done; `pukRetriesLeft` where the card reports it (YubiKey metadata). */
export interface UnblockSummary {
  readonly cardId: string;
  readonly pukRetriesLeft: number | undefined;
  readonly steps: readonly StepEvent[];
}

async function registered(transport: CardTransport) {
  const card = await openCard(transport);
  const id = await identifyCard(card);
  if (id) await migrateLegacyRecord(id);
  const record = id && (await getCard(id.cardId));
  if (!id || !record || !['issued', 'active', 'locked'].includes(record.state))
    throw lifecycleError('NOT_ISSUED', 'This card is not issued here.', { cardId: id?.cardId ?? null });
  return { card, id, record };
}

/** Unblocks the PIN with the derived PUK. Wrong PUK → `piv` `PIN_INVALID` `{ reference: 'PUK', retriesLeft }`. */
export async function unblockCard(input: UnblockInput): Promise<UnblockSummary> {
  checkPinPolicy(input.newPin, input.template.issue.pinPolicy);
  const { card, id, record } = await registered(input.transport);
  const run = LifecycleRun.begin(id.cardId, 'unblock', input.onStep);
  await run.step(
    'detect',
    async () => undefined,
    () => ({ state: record.state }),
  );
  const puk = await derivePuk(input.masterKey, id.identity);
  await run.step('reset-retry-counter', () => resetPinWithPuk(card.session, puk, input.newPin));
  const pukMeta = await reportedPukRetries(card.session);
  if (record.state === 'locked') {
    const now = new Date().toISOString();
    await run.step(
      'register',
      () => putCard({ ...record, state: record.activatedAt ? 'active' : 'issued', updatedAt: now }),
      () => ({ state: record.activatedAt ? 'active' : 'issued' }),
    );
  }
  await run.finish();
  return { cardId: id.cardId, pukRetriesLeft: pukMeta, steps: run.events };
}

/** Reads the PIN's tries; a blocked PIN moves an `issued`/`active` card to `locked`. Returns the record after. */
export async function detectLocked(
  transport: CardTransport,
): Promise<{ record: RegistryRecord; pinRetriesLeft: number | null }> {
  const { card, record } = await registered(transport);
  const left = await pinRetriesLeft(card.session);
  if (left !== 0 || record.state === 'locked') return { record, pinRetriesLeft: left };
  const locked: RegistryRecord = { ...record, state: 'locked', updatedAt: new Date().toISOString() };
  await putCard(locked);
  return { record: locked, pinRetriesLeft: 0 };
}
