import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { PEOPLE, type Person } from '../../test/support/relay-app';
import type { ImportedCard } from '../../src/relay-api/contract';
import { twoRelays } from '../route-fixture';
import { cardTemplate } from '../templates/template-fixture';
import { issueToBen } from './card-fixture';

const { olivia: OLIVIA, priya: PRIYA, adam: ADAM, audrey: AUDREY, nina: NINA } = PEOPLE;
type Who = Person;
/** An answer of the card routes: a card, a list of cards, an import or an error. */
type Answer = Record<string, unknown> & { cards: { cardId: string; state: string }[] };

const issueBen = (expectedVersion: number) =>
  issueToBen(expectedVersion, {
    chuidGuid: '8d0c6f1e-0000-4000-8000-000000000001',
    keys: [{ slot: '9a', algorithm: 'ECCP256', publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' }],
  });

const imported = (cardId: string, holderName: string): ImportedCard => ({
  cardId,
  state: 'active',
  credentialType: 'yubikey',
  serial: null,
  holderOid: `oid-${holderName.toLowerCase()}`,
  holderName,
  holderUpn: `${holderName.toLowerCase()}@contoso.example`,
  templateId: 'tpl-old',
  issuedAt: '2026-06-01T09:00:00.000Z',
  lostAt: null,
});

describeStore('/api/cards', (target) => {
  async function world() {
    const { call, database } = await twoRelays<Answer>(target, '/api');
    const get = (app: number, who: Who, id: string) => call(who, 'GET', `/cards/${id}`, undefined, app);
    const act = (app: number, who: Who, id: string, body: unknown) =>
      call(who, 'POST', `/cards/${id}/transitions`, body, app);
    const list = (who: Who, query: string) => call(who, 'GET', `/cards${query}`);
    const upload = (who: Who, cards: unknown[]) => call(who, 'POST', '/cards/import', { cards });
    // Cards are issued under a published template.
    const body = { expectedVersion: 0, body: cardTemplate() };
    expect((await call(ADAM, 'PUT', '/templates/card/tpl-standard', body)).status).toBe(200);
    return { get, act, list, upload, database };
  }

  it('shows a card issued by one operator to another, and refuses a second issue with the holder', async () => {
    const { get, act } = await world();
    expect((await get(1, PRIYA, 'yk:5001')).status).toBe(404);
    const issued = await act(0, OLIVIA, 'yk:5001', issueBen(0));
    expect(issued.status).toBe(200);
    expect(issued.json).toMatchObject({
      state: 'issued',
      version: 1,
      issuedBy: { oid: 'oid-olivia', name: 'Olivia Operator' },
      holder: { upn: 'ben@contoso.example' },
      serial: 5001,
      keys: [{ slot: '9a' }],
    });
    expect((await get(1, PRIYA, 'yk:5001')).json).toMatchObject({
      state: 'issued',
      holder: { name: 'Ben Member' },
      template: { id: 'tpl-standard', version: 1 },
    });
    // Priya read the card before Olivia issued it (version 0): refused, with the card as it is now.
    const again = await act(1, PRIYA, 'yk:5001', issueBen(0));
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({
      error: { code: 'CARD_CHANGED_ELSEWHERE', current: { state: 'issued', holder: { name: 'Ben Member' } } },
    });
    const notAllowed = await act(1, PRIYA, 'yk:5001', issueBen(1));
    expect(notAllowed.status).toBe(409);
    expect(notAllowed.json).toMatchObject({ error: { code: 'TRANSITION_NOT_ALLOWED' } });
    // A lost report in one place is seen everywhere.
    expect((await act(1, PRIYA, 'yk:5001', { transition: 'retire', expectedVersion: 1, lost: true })).status).toBe(200);
    const retired = (await get(0, OLIVIA, 'yk:5001')).json;
    expect(retired).toMatchObject({ state: 'retired', version: 2, holder: { oid: '' } });
    expect(retired.lostAt).toEqual(expect.any(String));
  });

  it('needs the operator role, and a body inside the schema', async () => {
    const { get, act } = await world();
    for (const who of [AUDREY, NINA]) {
      expect((await act(0, who, 'yk:1', issueBen(0))).status).toBe(403);
      expect((await get(0, who, 'yk:1')).status).toBe(403);
    }
    const withPin = await act(0, OLIVIA, 'yk:1', { ...issueBen(0), pin: '123456' });
    expect(withPin.status).toBe(400);
    expect(withPin.json).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect((await act(0, OLIVIA, 'yk:1', { transition: 'issue', expectedVersion: 0 })).status).toBe(400);
    expect((await act(0, OLIVIA, 'yk:1', { transition: 'explode', expectedVersion: 0 })).status).toBe(400);
    expect((await get(0, OLIVIA, 'yk:1')).status).toBe(404);
  });

  it('refuses an issue under a template that is not published', async () => {
    const { act } = await world();
    const body = issueBen(0);
    const res = await act(0, OLIVIA, 'yk:6001', { ...body, issue: { ...body.issue, templateId: 'tpl-draft' } });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ error: { code: 'TEMPLATE_NOT_PUBLISHED' } });
  });

  it("lists a holder's cards, or cards in a state, for operators and administrators", async () => {
    const { act, list } = await world();
    await act(0, OLIVIA, 'yk:7001', issueBen(0));
    await act(0, OLIVIA, 'yk:7002', issueBen(0));
    await act(0, OLIVIA, 'yk:7002', { transition: 'activate', expectedVersion: 1 });
    for (const who of [OLIVIA, ADAM]) {
      const res = await list(who, '?holder=oid-ben');
      expect(res.status).toBe(200);
      const { cards } = res.json;
      expect(cards.map((c) => [c.cardId, c.state])).toEqual([
        ['yk:7002', 'active'],
        ['yk:7001', 'issued'],
      ]);
    }
    const issued = (await list(OLIVIA, '?state=issued&limit=5')).json;
    expect(issued.cards).toHaveLength(1);
    for (const who of [AUDREY, NINA]) expect((await list(who, '?holder=oid-ben')).status).toBe(403);
    expect((await list(OLIVIA, '?state=lost')).status).toBe(400);
    expect((await list(OLIVIA, '?limit=501')).status).toBe(400);
  });

  it('imports the cards an old browser registry held, never overwriting one the service knows', async () => {
    const { act, upload, database } = await world();
    await act(0, OLIVIA, 'yk:8001', issueBen(0));
    for (const who of [OLIVIA, AUDREY]) expect((await upload(who, [imported('yk:8002', 'Dee')])).status).toBe(403);
    const cards = [imported('yk:8001', 'Mallory'), imported('yk:8002', 'Dee'), imported('serial:8003', 'Eve')];
    const res = await upload(ADAM, cards);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      imported: ['yk:8002', 'serial:8003'],
      conflicts: [{ cardId: 'yk:8001', current: { holder: { name: 'Ben Member' }, version: 1 } }],
    });
    const again = (await upload(ADAM, [imported('yk:8002', 'Mallory')])).json;
    expect(again).toMatchObject({ imported: [], conflicts: [{ current: { holder: { name: 'Dee' }, version: 1 } }] });
    const rows = await database.db
      .selectFrom('audit')
      .select(['action', 'target_type', 'target_id', 'target_label'])
      .where('action', '=', 'card.import')
      .orderBy('seq')
      .execute();
    expect(rows).toEqual([
      { action: 'card.import', target_type: 'card', target_id: 'yk:8002', target_label: 'yk:8002 (Dee)' },
      { action: 'card.import', target_type: 'card', target_id: 'serial:8003', target_label: 'serial:8003 (Eve)' },
    ]);
    const events = await database.db
      .selectFrom('card_events')
      .select('transition')
      .where('transition', '=', 'import')
      .execute();
    expect(events).toHaveLength(2);
    const crafted = await upload(ADAM, [{ ...imported('yk:8004', 'Eve'), pin: '123456' }]);
    expect(crafted.status).toBe(400);
  });
});
