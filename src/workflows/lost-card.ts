/**
 * Actions > Smart Card Unblock, for a holder whose card is gone: the holder's cards as the service knows
 * them, and "report lost", which retires a card in the service without the card itself (a lost or stolen
 * card cannot be put in a reader): a `retire` transition with `lost: true`, a compare-and-set on the
 * version the list showed, audited by the service. The card keeps its keys and certificate until someone
 * finds it: it then reads as Retired, and Issue starts it afresh. Revoking its certificate is the CA's
 * business, not ours. The Temporary Access Pass Keyward created for the card, if the holder still has it,
 * is removed once the report is recorded (./card-pass.ts); a Graph refusal leaves the report standing.
 */
import { revokeCardPass, type PassContext, type PassRevocation } from './card-pass';
import { auditedRun } from './lifecycle/record';
import { lifecycleError, type LifecyclePorts } from './lifecycle/types';
import type { Card, CardRegistry } from './ports';

export type { Card };

/** States in which a card is in someone's hands as far as the service knows. */
const LIVE: ReadonlySet<Card['state']> = new Set(['issued', 'active', 'locked']);

/** The cards the service holds for `holderOid`, live ones first, then the most recently changed first. */
export async function cardsOf(registry: CardRegistry, holderOid: string): Promise<Card[]> {
  const cards = await registry.cardsOf(holderOid);
  return cards.sort(
    (a, b) => Number(LIVE.has(b.state)) - Number(LIVE.has(a.state)) || b.updatedAt.localeCompare(a.updatedAt),
  );
}

/** True when a card can be reported lost. */
export const canReportLost = (card: Card): boolean => LIVE.has(card.state);

/** A recorded lost report: the card as the service holds it now, and what became of its pass. */
export interface LostReport {
  readonly card: Card;
  readonly pass: PassRevocation;
}

/**
 * Retires `card` as lost, at the version the operator saw, then removes the pass Keyward created for it
 * (Graph as the operator in `passContext`). Refuses a card that is blank or already
 * retired (`NOT_LIVE`); a card changed since it was listed raises `relay-api` `CARD_CHANGED_ELSEWHERE`
 * with the card as it is now. A refusal or failure is recorded in the audit trail.
 */
export function reportCardLost(
  ports: Pick<LifecyclePorts, 'registry' | 'audit'>,
  card: Card,
  passContext?: PassContext,
): Promise<LostReport> {
  return auditedRun(ports.audit, 'lost', async (target) => {
    target.cardId = card.cardId;
    target.holderName = card.holder.name;
    if (!canReportLost(card)) {
      throw lifecycleError(
        'NOT_LIVE',
        "This card is not in anyone's hands as far as the service knows (blank or already retired).",
        { cardId: card.cardId, state: card.state },
      );
    }
    const lost = await ports.registry.transition(card.cardId, {
      transition: 'retire',
      expectedVersion: card.version,
      lost: true,
    });
    return { card: lost, pass: await revokeCardPass(passContext, ports.registry, card) };
  });
}
