import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { recentAudit } from '../store/audit';
import { getCard, putCard, type RegistryRecord } from '../store/registry';
import { canReportLost, cardsOf, reportCardLost } from './lost-card';

const OPERATOR = { oid: 'op-1', name: 'Aisha Operator', upn: 'aisha@contoso.example' };

function record(cardId: string, userId: string, state: RegistryRecord['state'], updatedAt: string): RegistryRecord {
  return {
    cardId,
    serial: null,
    credentialType: 'YubiKey 5 (firmware 5.7.1)',
    userId,
    userUpn: 'ben@contoso.example',
    userDisplayName: 'Ben Member',
    templateId: 'tpl-1',
    state,
    issuedAt: '2026-01-01T00:00:00.000Z',
    activatedAt: null,
    retiredAt: null,
    updatedAt,
  };
}

describe('a lost card', () => {
  it("lists a holder's cards, live ones first, then newest", async () => {
    const user = crypto.randomUUID();
    await putCard(record('serial:1', user, 'retired', '2026-03-01T00:00:00.000Z'));
    await putCard(record('serial:2', user, 'active', '2026-01-01T00:00:00.000Z'));
    await putCard(record('serial:3', user, 'locked', '2026-02-01T00:00:00.000Z'));
    await putCard(record('serial:4', crypto.randomUUID(), 'active', '2026-02-01T00:00:00.000Z'));
    expect((await cardsOf(user)).map((c) => [c.cardId, canReportLost(c)])).toEqual([
      ['serial:3', true],
      ['serial:2', true],
      ['serial:1', false],
    ]);
  });

  it('is retired in the registry without the card, audited with its holder, and only once', async () => {
    const user = crypto.randomUUID();
    await putCard(record('serial:10', user, 'active', '2026-01-01T00:00:00.000Z'));
    const lost = await reportCardLost('serial:10', OPERATOR);
    expect(lost).toMatchObject({ state: 'retired', userId: user, lostAt: lost.retiredAt });
    expect(await getCard('serial:10')).toEqual(lost);
    const [audit] = await recentAudit(1);
    expect(audit).toMatchObject({
      action: 'card.lost',
      actor: OPERATOR,
      outcome: 'success',
      detail: 'serial:10',
      target: { userId: user, displayName: 'Ben Member' },
    });
    await expect(reportCardLost('serial:10', OPERATOR)).rejects.toMatchObject({
      layer: 'workflows',
      code: 'NOT_LIVE',
      fields: { state: 'retired' },
    });
    await expect(reportCardLost('serial:unknown', OPERATOR)).rejects.toMatchObject({
      code: 'NOT_LIVE',
      fields: { state: null },
    });
  });
});
