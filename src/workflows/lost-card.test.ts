import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { transitionCard } from '../relay-api/cards';
import { issueToBen } from '../../relay/cards/card-fixture';
import { auditRows, portsOf, useLifecycleWorld } from '../../test/lifecycle/lifecycle-fixtures';
import { PEOPLE } from '../../test/support/relay-world';
import { canReportLost, cardsOf, reportCardLost } from './lost-card';

const world = useLifecycleWorld();

/** Issues `cardId` to `holderOid` in the service (the card work is not the point here). */
function issued(cardId: string, holderOid: string) {
  return transitionCard(
    world().endpoint(PEOPLE.olivia),
    cardId,
    issueToBen(0, {
      holderOid,
      templateId: 'tpl-1',
      serial: Number(cardId.slice('serial:'.length)),
      chuidGuid: holderOid,
    }),
  );
}

describe('a lost card', () => {
  it("lists a holder's cards from the service, live ones first, then the most recently changed", async () => {
    const user = crypto.randomUUID();
    const olivia = world().endpoint(PEOPLE.olivia);
    await issued('serial:2', user);
    await issued('serial:3', user);
    await transitionCard(olivia, 'serial:2', { transition: 'activate', expectedVersion: 1 });
    await issued('serial:4', crypto.randomUUID());
    expect((await cardsOf(portsOf(world()).registry, user)).map((c) => [c.cardId, c.state, canReportLost(c)])).toEqual([
      ['serial:2', 'active', true],
      ['serial:3', 'issued', true],
    ]);
  });

  it('is retired in the service without the card, only once, and a stale report says what the card is now', async () => {
    const user = crypto.randomUUID();
    const card = await issued('serial:10', user);
    const { card: lost, pass } = await reportCardLost(portsOf(world(), PEOPLE.priya), card);
    expect(lost).toMatchObject({ state: 'retired', version: 2, lostAt: expect.any(String) });
    // Keyward created no pass for this card, so there was none to remove.
    expect(pass).toEqual({ status: 'none' });
    await expect
      .poll(async () => (await auditRows(world())).find((r) => r.target.id === 'serial:10'))
      .toMatchObject({
        action: 'card.lost',
        actor: { name: PEOPLE.priya.name },
        outcome: 'succeeded',
      });
    // Olivia still looks at the card as it was listed to her.
    await expect(reportCardLost(portsOf(world()), card)).rejects.toMatchObject({
      layer: 'relay-api',
      code: 'CARD_CHANGED_ELSEWHERE',
      fields: { current: { state: 'retired', version: 2 } },
    });
    await expect(reportCardLost(portsOf(world()), lost)).rejects.toMatchObject({
      layer: 'workflows',
      code: 'NOT_LIVE',
      fields: { state: 'retired' },
    });
    // One verb and one card label for the report, whoever wrote the row (the relay wrote Priya's
    // transition, Olivia's page her two refusals) and however it ended; a retired card has no holder.
    const reports = (await auditRows(world())).filter((r) => r.action === 'card.lost');
    expect(reports.map((r) => [r.outcome, r.actor.name, r.target.label])).toEqual([
      ['refused', PEOPLE.olivia.name, 'serial:10'],
      ['refused', PEOPLE.olivia.name, 'serial:10 (Ben Member)'],
      ['succeeded', PEOPLE.priya.name, 'serial:10 (Ben Member)'],
    ]);
  });
});
