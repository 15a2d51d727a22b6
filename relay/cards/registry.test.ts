import { expect, it } from 'vitest';
import { isAppError } from '../../src/app-error';
import { describeStore } from '../../test/support/describe-store';
import { verifyAuditChain } from '../audit/chain';
import type { RelayDatabase } from '../db/connect';
import { getCard, transitionCard, type TransitionRequest } from './registry';

const OLIVIA = { oid: 'oid-olivia', name: 'Olivia Operator' };
const PRIYA = { oid: 'oid-priya', name: 'Priya Operator' };

const issue = (cardId: string, holderName: string, expectedVersion = 0): TransitionRequest => ({
  cardId,
  transition: 'issue',
  expectedVersion,
  issue: {
    holderOid: `oid-${holderName.toLowerCase()}`,
    holderName,
    templateId: 'tpl-standard',
    templateVersion: 3,
    credentialType: 'yubikey',
    chuidGuid: '8d0c6f1e-0000-4000-8000-000000000001',
  },
});

async function counts(database: RelayDatabase) {
  const events = await database.db.selectFrom('card_events').select('id').execute();
  const audit = await verifyAuditChain(database.db);
  return { events: events.length, audit: audit.rows };
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describeStore('card registry', (target) => {
  it('moves a card through its lifecycle, one event and one audit row per transition', async () => {
    const { database } = await target.fresh();
    const issued = await transitionCard(database.db, issue('yk:100', 'Ben'), OLIVIA);
    expect(issued).toMatchObject({
      state: 'issued',
      holder_name: 'Ben',
      template_version: 3,
      issued_by: 'oid-olivia',
      version: 1,
    });
    await transitionCard(database.db, { cardId: 'yk:100', transition: 'activate', expectedVersion: 1 }, OLIVIA);
    const retired = await transitionCard(
      database.db,
      { cardId: 'yk:100', transition: 'retire', expectedVersion: 2 },
      PRIYA,
    );
    expect(retired).toMatchObject({ state: 'retired', holder_oid: '', version: 3 });
    expect(await getCard(database.db, 'yk:100')).toEqual(retired);
    expect(await counts(database)).toEqual({ events: 3, audit: 3 });
    const actions = await database.db.selectFrom('audit').select(['action', 'target_label']).orderBy('seq').execute();
    expect(actions).toEqual([
      { action: 'card.issue', target_label: 'yk:100 (Ben)' },
      { action: 'card.activate', target_label: 'yk:100 (Ben)' },
      { action: 'card.retire', target_label: 'yk:100 (Ben)' },
    ]);
  });

  it('lets one of two operators issuing the same card at once win; the other sees whose it is', async () => {
    const fresh = await target.fresh();
    const [a, b] = [fresh.database, await fresh.another()];
    const results = await Promise.allSettled([
      transitionCard(a.db, issue('yk:200', 'Ben'), OLIVIA),
      transitionCard(b.db, issue('yk:200', 'Carla'), PRIYA),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect([won.length, lost.length]).toEqual([1, 1]);
    const error = (lost[0] as PromiseRejectedResult).reason;
    expect(isAppError(error, 'relay', 'CARD_CHANGED_ELSEWHERE')).toBe(true);
    const winner = (won[0] as PromiseFulfilledResult<{ holder_name: string }>).value.holder_name;
    expect(isAppError(error) && error.fields.current).toMatchObject({
      state: 'issued',
      holder_name: winner,
      version: 1,
    });
    expect(await counts(a)).toEqual({ events: 1, audit: 1 });
  });

  it('refuses a transition from a stale version with the current card, and writes nothing', async () => {
    const { database } = await target.fresh();
    await transitionCard(database.db, issue('yk:300', 'Ben'), OLIVIA);
    await transitionCard(database.db, { cardId: 'yk:300', transition: 'retire', expectedVersion: 1 }, PRIYA);
    const error = await errorOf(
      transitionCard(database.db, { cardId: 'yk:300', transition: 'activate', expectedVersion: 1 }, OLIVIA),
    );
    expect(isAppError(error, 'relay', 'CARD_CHANGED_ELSEWHERE')).toBe(true);
    expect(isAppError(error) && error.fields).toMatchObject({ status: 409, current: { state: 'retired', version: 2 } });
    const notAllowed = await errorOf(
      transitionCard(database.db, { cardId: 'yk:300', transition: 'activate', expectedVersion: 2 }, OLIVIA),
    );
    expect(isAppError(notAllowed, 'relay', 'TRANSITION_NOT_ALLOWED')).toBe(true);
    expect(await counts(database)).toEqual({ events: 2, audit: 2 });
  });

  it('rolls the card change and its event back when its audit row cannot be written', async () => {
    const { database } = await target.fresh();
    // PostgreSQL refuses NUL in text, so the audit insert fails after the card row and event were written.
    await expect(
      transitionCard(database.db, issue('yk:400', 'Ben'), { oid: 'oid-x', name: 'bad\u0000name' }),
    ).rejects.toThrow();
    expect(await getCard(database.db, 'yk:400')).toBeUndefined();
    expect(await counts(database)).toEqual({ events: 0, audit: 0 });
  });
});
