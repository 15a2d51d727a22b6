import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { isAppError } from '../../src/app-error';
import { describeStore } from '../../test/support/describe-store';
import { rejectionOf } from '../../test/support/rejection';
import { verifyAuditChain } from '../audit/verify';
import type { RelayDatabase } from '../db/connect';
import { publishTemplate, withdrawTemplate } from '../templates/store';
import { cardTemplate } from '../templates/template-fixture';
import { getCard, listCards, toCard, transitionCard, type TransitionRequest } from './registry';

const OLIVIA = { oid: 'oid-olivia', name: 'Olivia Operator' };
const PRIYA = { oid: 'oid-priya', name: 'Priya Operator' };
const ADAM = { oid: 'oid-adam', name: 'Adam Admin' };
const KEY = { slot: '9a', algorithm: 'ECCP256', publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' } as const;

const issue = (cardId: string, holderName: string, expectedVersion = 0): TransitionRequest => ({
  cardId,
  transition: 'issue',
  expectedVersion,
  issue: {
    holderOid: `oid-${holderName.toLowerCase()}`,
    holderName,
    holderUpn: `${holderName.toLowerCase()}@contoso.example`,
    templateId: 'tpl-standard',
    templateVersion: 1,
    credentialType: 'yubikey',
    serial: 100,
    chuidGuid: '8d0c6f1e-0000-4000-8000-000000000001',
    keys: [KEY],
    managementKeyAlgorithm: 'AES192',
  },
});

/** A fresh database with card template tpl-standard version 1 published, as issues need. */
async function withTemplate<T extends { database: RelayDatabase }>(fresh: T): Promise<T> {
  await publishTemplate(
    fresh.database.db,
    { kind: 'card', id: 'tpl-standard', expectedVersion: 0 },
    cardTemplate(),
    ADAM,
  );
  return fresh;
}

async function counts(database: RelayDatabase) {
  const events = await database.db.selectFrom('card_events').select('id').execute();
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  const audit = await database.db.selectFrom('audit').select('seq').where('action', 'like', 'card.%').execute();
  return { events: events.length, audit: audit.length };
}

describeStore('card registry', (target) => {
  it('moves a card through its lifecycle, one event and one audit row per transition', async () => {
    const { database } = await withTemplate(await target.fresh());
    const issued = await transitionCard(database.db, issue('yk:100', 'Ben'), OLIVIA);
    expect(issued).toMatchObject({
      state: 'issued',
      holder_name: 'Ben',
      template_version: 1,
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
    const actions = await database.db
      .selectFrom('audit')
      .select(['action', 'target_label'])
      .where('action', 'like', 'card.%')
      .orderBy('seq')
      .execute();
    expect(actions).toEqual([
      { action: 'card.issue', target_label: 'yk:100 (Ben)' },
      { action: 'card.activate', target_label: 'yk:100 (Ben)' },
      { action: 'card.retire', target_label: 'yk:100 (Ben)' },
    ]);
    // The card's history is append-only, whoever holds the table's write rights.
    for (const change of [
      sql`update card_events set to_state = 'blank'`,
      sql`delete from card_events where transition = 'retire'`,
      sql`truncate card_events`,
    ])
      await expect(change.execute(database.db)).rejects.toThrow(/append-only/);
    expect(await counts(database)).toEqual({ events: 3, audit: 3 });
  });

  it('lets one of two operators issuing the same card at once win; the other sees whose it is', async () => {
    const fresh = await withTemplate(await target.fresh());
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

  it('lets one of many racing transitions from the same version win, on one instance or two', async () => {
    const fresh = await withTemplate(await target.fresh());
    const [a, b] = [fresh.database, await fresh.another()];
    await transitionCard(a.db, issue('yk:250', 'Ben'), OLIVIA);
    const racers = Array.from({ length: 8 }, (_, n) =>
      transitionCard(
        (n % 2 ? b : a).db,
        { cardId: 'yk:250', transition: n % 2 ? 'retire' : 'activate', expectedVersion: 1 },
        n % 2 ? PRIYA : OLIVIA,
      ),
    );
    const results = await Promise.allSettled(racers);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect(isAppError((r as PromiseRejectedResult).reason, 'relay', 'CARD_CHANGED_ELSEWHERE')).toBe(true);
    expect(await getCard(a.db, 'yk:250')).toMatchObject({ version: 2 });
    expect(await counts(a)).toEqual({ events: 2, audit: 2 });
  });

  it('refuses a transition from a stale version with the current card, and writes nothing', async () => {
    const { database } = await withTemplate(await target.fresh());
    await transitionCard(database.db, issue('yk:300', 'Ben'), OLIVIA);
    await transitionCard(database.db, { cardId: 'yk:300', transition: 'retire', expectedVersion: 1 }, PRIYA);
    const error = await rejectionOf(
      transitionCard(database.db, { cardId: 'yk:300', transition: 'activate', expectedVersion: 1 }, OLIVIA),
      'relay',
    );
    expect(error).toMatchObject({
      code: 'CARD_CHANGED_ELSEWHERE',
      fields: { status: 409, current: { state: 'retired', version: 2 } },
    });
    const notAllowed = await rejectionOf(
      transitionCard(database.db, { cardId: 'yk:300', transition: 'activate', expectedVersion: 2 }, OLIVIA),
      'relay',
    );
    expect(notAllowed.code).toBe('TRANSITION_NOT_ALLOWED');
    expect(await counts(database)).toEqual({ events: 2, audit: 2 });
  });

  it('rolls the card change and its event back when its audit row cannot be written', async () => {
    const { database } = await withTemplate(await target.fresh());
    // PostgreSQL refuses NUL in text, so the audit insert fails after the card row and event were written.
    await expect(
      transitionCard(database.db, issue('yk:400', 'Ben'), { oid: 'oid-x', name: 'bad\u0000name' }),
    ).rejects.toThrow();
    expect(await getCard(database.db, 'yk:400')).toBeUndefined();
    expect(await counts(database)).toEqual({ events: 0, audit: 0 });
  });

  it('records the binding, serial, keys, management-key algorithm and issuer at issue; a lost report sets lostAt and clears them', async () => {
    const { database } = await withTemplate(await target.fresh());
    const at = new Date('2026-12-04T10:00:00.000Z');
    await transitionCard(database.db, issue('yk:500', 'Ben'), OLIVIA, at);
    expect(toCard((await getCard(database.db, 'yk:500'))!)).toMatchObject({
      state: 'issued',
      holder: { oid: 'oid-ben', name: 'Ben', upn: 'ben@contoso.example' },
      template: { id: 'tpl-standard', version: 1 },
      serial: 100,
      keys: [KEY],
      managementKeyAlgorithm: 'AES192',
      issuedBy: OLIVIA,
      issuedAt: '2026-12-04T10:00:00.000Z',
      lostAt: null,
    });
    const lostAt = new Date('2026-12-05T08:00:00.000Z');
    const lost = { cardId: 'yk:500', transition: 'retire', expectedVersion: 1, lost: true } as const;
    expect(toCard(await transitionCard(database.db, lost, PRIYA, lostAt))).toMatchObject({
      state: 'retired',
      holder: { oid: '', name: '', upn: '' },
      keys: [],
      managementKeyAlgorithm: null,
      lostAt: '2026-12-05T08:00:00.000Z',
    });
    const reissued = await transitionCard(database.db, issue('yk:500', 'Carla', 2), OLIVIA);
    expect(toCard(reissued)).toMatchObject({ holder: { name: 'Carla' }, lostAt: null, version: 3 });
  });

  it('refuses an issue under a template version that is not published, or withdrawn', async () => {
    const { database } = await withTemplate(await target.fresh());
    const unpublished = { ...issue('yk:600', 'Ben'), issue: { ...issue('yk:600', 'Ben').issue!, templateVersion: 2 } };
    const e1 = await rejectionOf(transitionCard(database.db, unpublished, OLIVIA), 'relay');
    expect(e1).toMatchObject({
      code: 'TEMPLATE_NOT_PUBLISHED',
      fields: { status: 409, templateId: 'tpl-standard', templateVersion: 2 },
    });
    await withdrawTemplate(database.db, { kind: 'card', id: 'tpl-standard', expectedVersion: 1 }, ADAM);
    const e2 = await rejectionOf(transitionCard(database.db, issue('yk:600', 'Ben'), OLIVIA), 'relay');
    expect(e2.code).toBe('TEMPLATE_NOT_PUBLISHED');
    expect(await getCard(database.db, 'yk:600')).toBeUndefined();
    expect(await counts(database)).toEqual({ events: 0, audit: 0 });
  });

  it('keeps reading and changing cards on prepared statements when a newer relay adds a column meanwhile', async () => {
    const { database } = await withTemplate(await target.fresh());
    // One instance's pool: its idle connections, with their prepared statements, serve before and after.
    await transitionCard(database.db, issue('yk:800', 'Ben'), OLIVIA);
    expect(await getCard(database.db, 'yk:800')).toMatchObject({ version: 1 });
    await sql`alter table cards add column added_by_a_newer_relay text`.execute(database.db);
    await transitionCard(database.db, { cardId: 'yk:800', transition: 'activate', expectedVersion: 1 }, OLIVIA);
    expect(await getCard(database.db, 'yk:800')).toMatchObject({ state: 'active', version: 2 });
    expect(await getCard(database.db, 'yk:800')).not.toHaveProperty('added_by_a_newer_relay');
  });

  it("lists a holder's cards and cards in a state, most recently changed first", async () => {
    const { database } = await withTemplate(await target.fresh());
    await transitionCard(database.db, issue('yk:701', 'Ben'), OLIVIA, new Date('2026-12-01T00:00:00Z'));
    await transitionCard(database.db, issue('yk:702', 'Ben'), OLIVIA, new Date('2026-12-02T00:00:00Z'));
    await transitionCard(database.db, issue('yk:703', 'Carla'), OLIVIA, new Date('2026-12-03T00:00:00Z'));
    const ids = (cards: { cardId: string }[]) => cards.map((c) => c.cardId);
    expect(ids(await listCards(database.db, { holder: 'oid-ben', limit: 100 }))).toEqual(['yk:702', 'yk:701']);
    expect(ids(await listCards(database.db, { state: 'issued', limit: 2 }))).toEqual(['yk:703', 'yk:702']);
    expect(await listCards(database.db, { holder: 'oid-carla', state: 'active', limit: 100 })).toEqual([]);
  });
});
