import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { rejectionOf } from '../../test/support/rejection';
import { PEOPLE } from '../../test/support/relay-app';
import type { RelayDatabase } from '../db/connect';
import { twoRelays } from '../route-fixture';
import { publishTemplate } from '../templates/store';
import { cardTemplate } from '../templates/template-fixture';
import { issueToBen } from './card-fixture';
import { getCardPass, recordCardPass, toCardPass } from './passes';
import { transitionCard } from './registry';

const OLIVIA = { oid: 'oid-olivia', name: 'Olivia Operator' };
const BEN = 'oid-ben';

/** A fresh database with tpl-standard published and card `cardId` issued to Ben and activated. */
async function activeCard(database: RelayDatabase, cardId: string): Promise<void> {
  await publishTemplate(database.db, { kind: 'card', id: 'tpl-standard', expectedVersion: 0 }, cardTemplate(), OLIVIA);
  await transitionCard(database.db, { cardId, ...issueToBen(0) }, OLIVIA, new Date(Date.now() - 60_000));
  await transitionCard(database.db, { cardId, transition: 'activate', expectedVersion: 1 }, OLIVIA);
}

describeStore('card passes', (target) => {
  it("records the pass id against a card its user holds, and a newer pass replaces the older; read back as the card's pass", async () => {
    const { database } = await target.fresh();
    await activeCard(database, 'yk:1');
    expect(await getCardPass(database.db, 'yk:1')).toBeUndefined();
    await recordCardPass(database.db, 'yk:1', { tapId: 'tap-a', userOid: BEN }, OLIVIA);
    const newer = await recordCardPass(database.db, 'yk:1', { tapId: 'tap-b', userOid: BEN }, OLIVIA);
    expect(toCardPass(newer)).toMatchObject({ tapId: 'tap-b', userOid: BEN, createdBy: OLIVIA });
    expect(toCardPass((await getCardPass(database.db, 'yk:1'))!)).toEqual(toCardPass(newer));
    expect(await database.db.selectFrom('card_passes').selectAll().execute()).toHaveLength(1);
  });

  it('refuses a card the registry does not know, one not in hands, and one another user holds, recording nothing', async () => {
    const { database } = await target.fresh();
    await activeCard(database, 'yk:2');
    const refusal = (cardId: string, userOid: string) =>
      rejectionOf(recordCardPass(database.db, cardId, { tapId: 't', userOid }, OLIVIA), 'relay');
    expect(await refusal('yk:9', BEN)).toMatchObject({ code: 'CARD_NOT_REGISTERED', fields: { status: 404 } });
    expect(await refusal('yk:2', 'oid-eve')).toMatchObject({
      code: 'PASS_NOT_FOR_CARD',
      fields: { status: 409, state: 'active' },
    });
    await transitionCard(database.db, { cardId: 'yk:2', transition: 'retire', expectedVersion: 2 }, OLIVIA);
    expect(await refusal('yk:2', BEN)).toMatchObject({ code: 'PASS_NOT_FOR_CARD', fields: { state: 'retired' } });
    expect(await database.db.selectFrom('card_passes').selectAll().execute()).toEqual([]);
  });

  it('keeps the pass readable after retirement (a resumed retire still finds it), but not once the card is issued again', async () => {
    const { database } = await target.fresh();
    await activeCard(database, 'yk:3');
    await recordCardPass(database.db, 'yk:3', { tapId: 'tap-old', userOid: BEN }, OLIVIA);
    await transitionCard(database.db, { cardId: 'yk:3', transition: 'retire', expectedVersion: 2 }, OLIVIA);
    expect((await getCardPass(database.db, 'yk:3'))?.tap_id).toBe('tap-old');
    await transitionCard(database.db, { cardId: 'yk:3', ...issueToBen(3) }, OLIVIA, new Date(Date.now() + 1000));
    expect(await getCardPass(database.db, 'yk:3')).toBeUndefined();
  });

  it('is reached over PUT and GET /api/cards/:cardId/pass by operators, with a closed body', async () => {
    const { call, database } = await twoRelays(target, '/api/cards/yk:4/pass');
    await activeCard(database, 'yk:4');
    expect((await call(PEOPLE.olivia, 'GET', '')).json).toEqual({ pass: null });
    // A stray field (a code, say) is refused, never stored.
    const stray = await call(PEOPLE.olivia, 'PUT', '', { tapId: 'tap-1', userOid: BEN, temporaryAccessPass: 'x' });
    expect(stray.status).toBe(400);
    expect((await call(PEOPLE.adam, 'PUT', '', { tapId: 'tap-1', userOid: BEN })).status).toBe(403);
    expect((await call(PEOPLE.olivia, 'PUT', '', { tapId: 'tap-1', userOid: BEN })).status).toBe(200);
    expect((await call(PEOPLE.priya, 'GET', '')).json).toMatchObject({
      pass: { tapId: 'tap-1', userOid: BEN, createdBy: { name: PEOPLE.olivia.name } },
    });
  });
});
