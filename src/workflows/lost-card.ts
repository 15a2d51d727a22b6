/**
 * Actions > Smart Card Unblock, for a holder whose card is gone: the cards this browser registered to
 * them, and "report lost", which retires a card in the registry without the card itself (a lost or stolen
 * card cannot be put in a reader). The card keeps its keys and certificate until someone finds it: it then
 * reads as Retired, and Issue starts it afresh. Revoking its certificate is the CA's business, not ours.
 */
import { appendAudit } from '../store/audit';
import { cardsOfUser, getCard, putCard, type RegistryRecord } from '../store/registry';
import { lifecycleError, type LifecycleOperator } from './lifecycle/types';

export type { RegistryRecord };

/** States in which a card is in someone's hands as far as the registry knows. */
const LIVE: ReadonlySet<RegistryRecord['state']> = new Set(['issued', 'active', 'locked']);

/** The cards registered to `userId`, live ones first, then newest first. */
export async function cardsOf(userId: string): Promise<RegistryRecord[]> {
  const cards = await cardsOfUser(userId);
  return cards.sort(
    (a, b) => Number(LIVE.has(b.state)) - Number(LIVE.has(a.state)) || b.updatedAt.localeCompare(a.updatedAt),
  );
}

/** True when a card can be reported lost. */
export const canReportLost = (card: RegistryRecord): boolean => LIVE.has(card.state);

/** Retires `cardId` in the registry as lost, and audits it. Refuses a card that is blank or already retired. */
export async function reportCardLost(cardId: string, operator: LifecycleOperator): Promise<RegistryRecord> {
  const card = await getCard(cardId);
  if (!card || !canReportLost(card)) {
    throw lifecycleError(
      'NOT_LIVE',
      "This card is not in anyone's hands as far as the registry knows (blank or already retired).",
      { cardId, state: card?.state ?? null },
    );
  }
  const now = new Date().toISOString();
  const lost: RegistryRecord = { ...card, state: 'retired', retiredAt: now, lostAt: now, updatedAt: now };
  await putCard(lost);
  await appendAudit({
    at: now,
    actor: operator,
    action: 'card.lost',
    outcome: 'success',
    detail: cardId,
    ...(card.userId
      ? {
          target: {
            userId: card.userId,
            ...(card.userUpn ? { upn: card.userUpn } : {}),
            ...(card.userDisplayName ? { displayName: card.userDisplayName } : {}),
          },
        }
      : {}),
  });
  return lost;
}
