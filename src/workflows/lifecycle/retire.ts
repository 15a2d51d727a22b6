/**
 * Lifecycle > Retired: keys destroyed, binding removed, then the service records `retired` (a
 * compare-and-set on the version read at the start; it audits it). A run whose card work is done but not
 * recorded stays unfinished and resumes on the next attempt; `register` is skipped when the service
 * already holds the card as retired.
 *
 * YubiKey: `reset` (PIN and PUK blocked, then Yubico RESET). Generic PIV card: `authenticate` with its
 * management key, `destroy-keys`, `reset-admin-secrets` with the derived PUK, `remove-binding` (the card
 * steps are in cards/retire-steps.ts). An interrupted retire simply runs again: each step can be repeated.
 *
 * Once recorded, `revoke-tap` removes the Temporary Access Pass Keyward created for the card, if the holder
 * still has it (../card-pass.ts); Graph refusing that does not undo the retirement, the summary says so.
 */
import { authenticateAdmin } from '../../cards/admin-key';
import { identifyCard, openCard, type CardHandle, type CardIdentification } from '../../cards/card';
import type { CardSecrets } from '../../cards/card-secrets';
import { destroyKeys, removeBinding, resetAdminSecrets, resetToBlank } from '../../cards/retire-steps';
import { lastUnfinishedRun } from '../../store/journal';
import { revokeCardPass, type PassContext, type PassRevocation } from '../card-pass';
import type { CardTransport } from '../../cards/readers';
import { auditedRun, recordTransition } from './record';
import { closeAsRolledBack, LifecycleRun } from './run';
import { lifecycleError, type LifecyclePorts, type OnStep, type StepEvent } from './types';

/** What retiring needs. */
export interface RetireInput {
  readonly transport: CardTransport;
  readonly ports: LifecyclePorts;
  /** Graph as the signed-in operator, to remove the pass Keyward created for the card. */
  readonly passContext?: PassContext;
  readonly onStep?: OnStep;
}

/** What was done. */
export interface RetireSummary {
  readonly cardId: string;
  readonly steps: readonly StepEvent[];
  /** What became of the pass Keyward created for the card. */
  readonly pass: PassRevocation;
}

async function wipeGeneric(
  card: CardHandle,
  run: LifecycleRun<'retire'>,
  secrets: CardSecrets,
  id: CardIdentification,
): Promise<void> {
  const { session } = card;
  await run.step(
    'authenticate',
    () => authenticateAdmin(card, secrets, id, 'retire'),
    (r) => ({ keyState: r.state }),
  );
  await run.step('destroy-keys', () => destroyKeys(session));
  const puk = await secrets.puk(id, 'retire');
  await run.step('reset-admin-secrets', () => resetAdminSecrets(session, puk));
  await run.step('remove-binding', () => removeBinding(session));
}

/** Retires the card in `transport`. */
export function retireCard(input: RetireInput): Promise<RetireSummary> {
  return auditedRun(input.ports.audit, 'retire', async (target) => {
    const card = await openCard(input.transport);
    const id = await identifyCard(card);
    if (id) target.cardId = id.cardId;
    const record = id ? await input.ports.registry.card(id.cardId) : null;
    if (record) target.holderName = record.holder.name;
    const unfinished = id ? await lastUnfinishedRun(id.cardId) : undefined;
    const resuming = unfinished?.operation === 'retire';
    if (!id || !record || (record.state === 'retired' && !resuming) || record.state === 'blank')
      throw lifecycleError('NOT_ISSUED', 'The service does not know this card as issued.', {
        cardId: id?.cardId ?? null,
        state: record?.state ?? null,
      });
    if (unfinished && !resuming) await closeAsRolledBack(unfinished, id.cardId, 'retire');
    const run = LifecycleRun.begin(id.cardId, 'retire', input.onStep, resuming ? unfinished : undefined);
    await run.step(
      'detect',
      async () => undefined,
      () => ({ state: record.state }),
    );
    if (card.kind === 'yubikey') await run.step('reset', () => resetToBlank(card.session, undefined));
    else await wipeGeneric(card, run, input.ports.secrets, id);
    await recordTransition(
      run,
      input.ports,
      { transition: 'retire', expectedVersion: record.version },
      // Retired already (recorded before this run could end, or reported lost meanwhile): nothing to record.
      { card: record, recorded: record.state === 'retired' },
    );
    const pass = await run.step(
      'revoke-tap',
      () => revokeCardPass(input.passContext, input.ports.registry, record),
      (p) => ({ pass: p.status }),
    );
    await run.finish();
    return { cardId: id.cardId, steps: run.events, pass };
  });
}
