/**
 * Lifecycle > Retired: keys destroyed, binding removed, registry `retired`.
 *
 * YubiKey: `reset` (PIN and PUK blocked, then Yubico RESET). Generic PIV card: `authenticate` with its
 * management key, `destroy-keys`, `reset-admin-secrets` with the derived PUK, `remove-binding` (the card
 * steps are in cards/retire-steps.ts). An interrupted retire simply runs again: each step can be repeated.
 */
import { authenticateAdmin } from '../../cards/admin-key';
import { derivePuk } from '../../cards/admin-secrets';
import { identifyCard, openCard, type CardHandle, type CardIdentification } from '../../cards/card';
import { destroyKeys, removeBinding, resetAdminSecrets, resetToBlank } from '../../cards/retire-steps';
import { appendAudit } from '../../store/audit';
import { lastUnfinishedRun } from '../../store/journal';
import { getCard, putCard } from '../../store/registry';
import type { CardTransport } from '../../cards/readers';
import { migrateLegacyRecord } from './legacy-record';
import { closeAsRolledBack, LifecycleRun } from './run';
import { lifecycleError, type LifecycleOperator, type OnStep, type StepEvent } from './types';

/** What retiring needs. */
export interface RetireInput {
  readonly transport: CardTransport;
  readonly masterKey: CryptoKey;
  readonly operator: LifecycleOperator;
  readonly onStep?: OnStep;
}

/** What was done. */
export interface RetireSummary {
  readonly cardId: string;
  readonly steps: readonly StepEvent[];
}

async function wipeGeneric(
  card: CardHandle,
  run: LifecycleRun<'retire'>,
  masterKey: CryptoKey,
  id: CardIdentification,
): Promise<void> {
  const { session } = card;
  await run.step(
    'authenticate',
    () => authenticateAdmin(card, masterKey, id.identity),
    (r) => ({ keyState: r.state }),
  );
  await run.step('destroy-keys', () => destroyKeys(session));
  const puk = await derivePuk(masterKey, id.identity);
  await run.step('reset-admin-secrets', () => resetAdminSecrets(session, puk));
  await run.step('remove-binding', () => removeBinding(session));
}

/** Retires the card in `transport`. */
export async function retireCard(input: RetireInput): Promise<RetireSummary> {
  const card = await openCard(input.transport);
  const id = await identifyCard(card);
  if (id) await migrateLegacyRecord(id);
  const record = id && (await getCard(id.cardId));
  if (!id || !record)
    throw lifecycleError('NOT_ISSUED', 'This card is not registered here.', { cardId: id?.cardId ?? null });
  const unfinished = await lastUnfinishedRun(id.cardId);
  if (unfinished && unfinished.operation !== 'retire') await closeAsRolledBack(unfinished, id.cardId, 'retire');
  const run = LifecycleRun.begin(
    id.cardId,
    'retire',
    input.onStep,
    unfinished?.operation === 'retire' ? unfinished : undefined,
  );
  await run.step(
    'detect',
    async () => undefined,
    () => ({ state: record.state }),
  );
  if (card.kind === 'yubikey') await run.step('reset', () => resetToBlank(card.session, undefined));
  else await wipeGeneric(card, run, input.masterKey, id);
  const now = new Date().toISOString();
  await run.step(
    'register',
    () =>
      putCard({
        ...record,
        state: 'retired',
        userId: null,
        userUpn: null,
        userDisplayName: null,
        retiredAt: now,
        updatedAt: now,
      }),
    () => ({ state: 'retired' }),
  );
  await appendAudit({
    at: now,
    actor: input.operator,
    action: 'card.retire',
    ...(record.userId ? { target: { userId: record.userId, upn: record.userUpn ?? undefined } } : {}),
    outcome: 'success',
    detail: id.cardId,
  });
  await run.finish();
  return { cardId: id.cardId, steps: run.events };
}
