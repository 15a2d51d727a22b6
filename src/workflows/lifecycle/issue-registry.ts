/**
 * Issuance's registry side: the check before the card is touched (is it someone else's?) and the
 * `register` step after every card step was verified, with its audit line.
 */
import { chuidIdentification, type CardHandle, type PlannedBinding } from '../../cards/card';
import { appendAudit } from '../../store/audit';
import type { CardTemplateRecord } from '../../store/db';
import { getCard, putCard } from '../../store/registry';
import { migrateLegacyRecord } from './legacy-record';
import type { LifecycleRun } from './run';
import { lifecycleError, type LifecycleOperator } from './types';

/** The holder being issued to. */
export interface IssueUser {
  readonly id: string;
  readonly upn: string;
  readonly displayName: string;
}

/** Refuses cards another holder has, or that are past issuance. */
export async function checkRegistry(card: CardHandle, binding: PlannedBinding, user: IssueUser): Promise<void> {
  const { cardId } = binding.id;
  // A generic card keeps its FASC-N, so the CHUID it carries now names its record; an earlier version's
  // record of it, keyed by the holder's GUID, moves there first.
  if (card.serial === null && binding.existing) await migrateLegacyRecord(chuidIdentification(binding.existing));
  const record = await getCard(cardId);
  if (!record || record.state === 'blank' || record.state === 'retired') return;
  if (record.state !== 'issued' || record.userId !== user.id) {
    throw lifecycleError(
      'CARD_BOUND',
      `This card is ${record.state} for another holder or already in use; retire it first.`,
      { cardId, state: record.state },
    );
  }
}

/** What the registry and the audit record of an issuance. */
export interface Registration {
  readonly card: CardHandle;
  readonly cardId: string;
  readonly user: IssueUser;
  readonly template: CardTemplateRecord;
  readonly operator: LifecycleOperator;
}

/** The `register` step: the card is `issued` to the user in the registry, then audited. */
export async function register(run: LifecycleRun<'issue'>, r: Registration): Promise<void> {
  const now = new Date().toISOString();
  const { user, card, cardId } = r;
  await run.step(
    'register',
    () =>
      putCard({
        cardId,
        serial: card.serial,
        credentialType: card.detected.typeName,
        userId: user.id,
        userUpn: user.upn,
        userDisplayName: user.displayName,
        templateId: r.template.id,
        state: 'issued',
        issuedAt: now,
        activatedAt: null,
        retiredAt: null,
        updatedAt: now,
      }),
    () => ({ state: 'issued' }),
  );
  await appendAudit({
    at: now,
    actor: r.operator,
    action: 'card.issue',
    target: { userId: user.id, upn: user.upn, displayName: user.displayName },
    outcome: 'success',
    detail: cardId,
  });
}
