/**
 * Lifecycle > Retired: keys destroyed, binding removed, registry `retired`.
 *
 * YubiKey: PIN and PUK blocked, then Yubico RESET (reset.ts), which clears keys, certificates and the
 * CHUID and restores the factory secrets. Generic PIV card: authenticated with its management key, each
 * key slot gets a throwaway key, certificates are deleted (PUT DATA with an empty object), PIN and PUK go
 * back to the factory values with the derived PUK, and finally the CHUID is rewritten with a random GUID.
 * An interrupted retire simply runs again: each of these steps can be repeated.
 */
import { derivePuk } from '../../cards/admin-secrets';
import { OBJECT_TAG } from '../../piv/constants';
import { appendAudit } from '../../store/audit';
import { lastUnfinishedRun } from '../../store/journal';
import { putCard } from '../../store/registry';
import type { CardTransport } from '../../transport/card-transport';
import {
  authenticateAdmin,
  freshChuid,
  identifyCard,
  openCard,
  registryRecordOf,
  type CardHandle,
  type CardIdentification,
} from './card';
import { DEFAULT_PIN, DEFAULT_PUK } from './pins';
import { resetToBlank } from './reset';
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

const SLOT_CERTS: readonly [number, number][] = [
  [0x9a, OBJECT_TAG.CERT_9A],
  [0x9c, OBJECT_TAG.CERT_9C],
  [0x9d, OBJECT_TAG.CERT_9D],
  [0x9e, OBJECT_TAG.CERT_9E],
];

async function wipeGeneric(
  card: CardHandle,
  run: LifecycleRun,
  masterKey: CryptoKey,
  id: CardIdentification,
): Promise<void> {
  const { session } = card;
  await run.step(
    'authenticate',
    () => authenticateAdmin(card, masterKey, id.identity),
    (r) => ({ keyState: r.state }),
  );
  await run.step('destroy-keys', async () => {
    for (const [slot, certTag] of SLOT_CERTS) {
      await session.generateKey(slot, 'ECCP256');
      await session.writeObject(certTag, new Uint8Array(0));
    }
  });
  const puk = await derivePuk(masterKey, id.identity);
  await run.step('reset-admin-secrets', async () => {
    await session.unblockPin(puk, DEFAULT_PIN);
    await session.changePuk(puk, DEFAULT_PUK);
  });
  await run.step('remove-binding', () => session.writeChuid(freshChuid()));
}

/** Retires the card in `transport`. */
export async function retireCard(input: RetireInput): Promise<RetireSummary> {
  const card = await openCard(input.transport);
  const id = await identifyCard(card);
  const record = id && (await registryRecordOf(id));
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
