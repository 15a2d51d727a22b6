/**
 * Self-service *Unblock my PIN* at the relay (`/api/self-service/challenge`, `/unblock`, `/unblocked`)
 * through the real Hono app, the holder's token from the Entra emulator and the store on PGlite and a
 * private PostgreSQL: the card's 9E key (a real P-256 key here) signs the relay's nonce, the relay checks
 * it against the key recorded at issuance and releases the PUK it derives for that card only (the same
 * derivation the operator's release gives), audited; every refusal says why and is audited.
 */
import { expect, it } from 'vitest';
import { USERS } from '../../test/support/mail-world';
import { scanForSecrets } from '../../test/support/secrecy-scan';
import { leakSources } from './leak-fixture';
import { describeSelfService, json, refused, slotKey, useMailWorld } from './self-service-fixture';

describeSelfService('/api/self-service unblock', useMailWorld(), (suite) => {
  const { k9a, k9e } = suite;

  /** A fresh relay (each test's own database) with a template that allows the unblock and one that does not. */
  async function setUp() {
    const relay = await suite.start({ SELF_SERVICE_RATE_PER_MINUTE: '100' });
    await relay.publishCardTemplate('tpl-unblock', (t) => ({ ...t, issue: { ...t.issue, selfServiceUnblock: true } }));
    await relay.publishCardTemplate('tpl-no-unblock', (t) => t);
    return relay;
  }

  const post = (who: string, path: string, body: object) =>
    suite.relay().call(who, 'POST', `/api/self-service/${path}`, body);

  /** Ben's unblock challenge on `cardId`, answered by `key` (the card's 9E unless told). */
  const proof = (cardId: string, key = k9e) => suite.relay().prove(cardId, 'unblock', key);

  it('releases the PUK the relay derives for that card only, audited, and records the locked card active again', async () => {
    const relay = await setUp();
    const cardId = await relay.issueToBen(7101, 'tpl-unblock', [k9a, k9e]);
    await relay.operatorTransition(cardId, 'activate', 1);
    await relay.operatorTransition(cardId, 'lock', 2);
    const list = await json<{ cards: { cardId: string; actions: { unblock: unknown }; pinPolicy: unknown }[] }>(
      await relay.call(USERS.ben, 'GET', '/api/self-service/cards'),
    );
    expect(list.cards.find((c) => c.cardId === cardId)).toMatchObject({
      actions: { unblock: { allowed: true } },
      pinPolicy: { minLength: 6, maxLength: 8, digitsOnly: true },
    });
    // Not before the card proved itself.
    await refused(await post(USERS.ben, 'unblocked', { cardId }), 409, 'UNBLOCK_NOT_AUTHORISED');
    const answer = await proof(cardId);
    const res = await post(USERS.ben, 'unblock', { cardId, ...answer });
    expect(res.status).toBe(200);
    const { puk } = await json<{ puk: string }>(res);
    // The operator's release for an unblock of this card derives the same PUK.
    const operator = await relay.call(relay.aisha, 'POST', `/api/card-keys/${cardId}/release`, {
      operation: 'unblock',
      secret: 'puk',
    });
    expect(await json<{ puk: string }>(operator)).toEqual({ secret: 'puk', puk });
    // The same answer again: single-use.
    await refused(await post(USERS.ben, 'unblock', { cardId, ...answer }), 409, 'CHALLENGE_REPLAYED');
    const done = await post(USERS.ben, 'unblocked', { cardId });
    expect(done.status).toBe(200);
    expect(await json<{ state: string }>(done)).toMatchObject({ state: 'active' });
    // One authorisation, one unblock.
    await refused(await post(USERS.ben, 'unblocked', { cardId }), 409, 'UNBLOCK_NOT_AUTHORISED');
    const released = await relay.database.db
      .selectFrom('audit')
      .select(['actor_name', 'target_id', 'target_label', 'outcome'])
      .where('action', '=', 'key.release')
      .where('target_label', '=', 'PUK for self-service unblock')
      .execute();
    expect(released).toEqual([
      {
        actor_name: 'Ben Member',
        target_id: cardId,
        target_label: 'PUK for self-service unblock',
        outcome: 'succeeded',
      },
    ]);
    expect(await scanForSecrets(leakSources(relay.database, relay.logs), [{ name: 'the PUK', value: puk }])).toEqual(
      [],
    );
  });

  it("refuses another user's card, a Retired card, a template that does not allow it, a wrong key, a replayed nonce and a guest", async () => {
    const relay = await setUp();
    const cardId = await relay.issueToBen(7102, 'tpl-unblock', [k9a, k9e]);
    await relay.operatorTransition(cardId, 'activate', 1);
    const since = new Date();
    // Another holder: neither a challenge nor an answer to Ben's.
    await refused(await post(USERS.nina, 'challenge', { cardId, purpose: 'unblock' }), 403, 'CARD_NOT_YOURS');
    await refused(await post(USERS.nina, 'unblock', { cardId, ...(await proof(cardId)) }), 403, 'CARD_NOT_YOURS');
    // Another card's 9E key, then the card's 9A key in place of 9E: the signature is not the recorded 9E key's.
    const wrong = await proof(cardId, slotKey('9e'));
    expect(await refused(await post(USERS.ben, 'unblock', { cardId, ...wrong }), 403, 'SIGNATURE_WRONG')).toContain(
      'use the card issued to you',
    );
    await refused(await post(USERS.ben, 'unblock', { cardId, ...wrong }), 409, 'CHALLENGE_REPLAYED');
    await refused(await post(USERS.ben, 'unblock', { cardId, ...(await proof(cardId, k9a)) }), 403, 'SIGNATURE_WRONG');
    // A challenge for another purpose does not answer an unblock.
    const other = await relay.issueToBen(7103, 'tpl-no-unblock', [k9a, k9e]);
    await relay.operatorTransition(other, 'activate', 1);
    const words = await refused(
      await post(USERS.ben, 'challenge', { cardId: other, purpose: 'unblock' }),
      403,
      'TEMPLATE_FORBIDS',
    );
    expect(words).toContain('does not let holders unblock their PIN');
    const listed = await json<{
      cards: { cardId: string; actions: { unblock: { allowed: boolean; reason?: string } } }[];
    }>(await relay.call(USERS.ben, 'GET', '/api/self-service/cards'));
    expect(listed.cards.find((c) => c.cardId === other)?.actions.unblock).toEqual({ allowed: false, reason: words });
    // A guest.
    await refused(await post(USERS.gary, 'challenge', { cardId, purpose: 'unblock' }), 403, 'SELF_SERVICE_GUEST');
    await refused(await post(USERS.gary, 'unblock', { cardId, ...wrong }), 403, 'SELF_SERVICE_GUEST');
    // Retired: the proof made before is no longer honoured either.
    const late = await proof(cardId);
    await relay.operatorTransition(cardId, 'retire', 2);
    await refused(await post(USERS.ben, 'unblock', { cardId, ...late }), 409, 'CARD_RETIRED');
    await refused(await post(USERS.ben, 'challenge', { cardId, purpose: 'unblock' }), 409, 'CARD_RETIRED');
    // No PUK was released by any of these; each refusal is audited with its code.
    const rows = await relay.database.db
      .selectFrom('audit')
      .select(['action', 'outcome', 'reason'])
      .where('at', '>=', since)
      .where((eb) => eb.or([eb('action', 'like', 'holder.%'), eb('action', '=', 'key.release')]))
      .where('outcome', '!=', 'succeeded')
      .execute();
    expect(rows.map((r) => `${r.action} ${/\(([A-Z_]+)\)$/.exec(r.reason)?.[1]}`).sort()).toEqual(
      [
        'holder.challenge CARD_NOT_YOURS',
        'holder.unblock CARD_NOT_YOURS',
        'holder.unblock SIGNATURE_WRONG',
        'holder.unblock CHALLENGE_REPLAYED',
        'holder.unblock SIGNATURE_WRONG',
        'holder.challenge TEMPLATE_FORBIDS',
        'holder.challenge SELF_SERVICE_GUEST',
        'holder.unblock SELF_SERVICE_GUEST',
        'holder.unblock CARD_RETIRED',
        'holder.challenge CARD_RETIRED',
      ].sort(),
    );
    const releases = await relay.database.db
      .selectFrom('audit')
      .select('target_id')
      .where('action', '=', 'key.release')
      .where('at', '>=', since)
      .execute();
    expect(releases).toEqual([]);
  });
});
