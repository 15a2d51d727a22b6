/**
 * `/api/self-service` through the real Hono app: the holder's token from the Entra emulator, Graph's
 * app-only TAP creation there, the SMTP catcher for the emails, the store on PGlite and on a private
 * PostgreSQL, and signatures made by real P-256 keys (the card's 9A and 9E) against a relay nonce.
 */
import { expect, it } from 'vitest';
import { USERS } from '../../test/support/mail-world';
import { scanForSecrets } from '../../test/support/secrecy-scan';
import { leakSources } from './leak-fixture';
import { cardSigns, describeSelfService, json, refused, slotKey, useMailWorld } from './self-service-fixture';

const world = useMailWorld();

describeSelfService('/api/self-service', world, ({ start, k9a, k9e }) => {
  it('activates an issued card with its 9A proof, creates the pass and sends the Initiate Card email', async () => {
    const relay = await start();
    const initiate = await relay.publishPassEmail('Welcome: your card is ready');
    await relay.publishCardTemplate('tpl-initiate', (t) => ({
      ...t,
      initiate: { systemGeneratesTap: true, exportTemplateIds: [initiate] },
    }));
    const cardId = await relay.issueToBen(7001, 'tpl-initiate', [k9a, k9e]);
    const list = await json<{ cards: { cardId: string; actions: { activate: { allowed: boolean } } }[] }>(
      await relay.call(USERS.ben, 'GET', '/api/self-service/cards'),
    );
    expect(list.cards).toEqual([
      expect.objectContaining({ cardId, actions: expect.objectContaining({ activate: { allowed: true } }) }),
    ]);
    const res = await relay.call(USERS.ben, 'POST', '/api/self-service/activate', {
      cardId,
      ...(await relay.prove(cardId, 'activate', k9a)),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({
      card: { state: 'active' },
      tap: { tapCreated: true, emailed: true, problem: null },
    });
    const pass = world().emulator.control.tapFor(USERS.ben)!.temporaryAccessPass;
    expect(text).not.toContain(pass);
    const mail = await world().catcher.waitForMessage((m) => m.subject === 'Welcome: your card is ready', 5000);
    expect(mail.text).toContain(`your pass is ${pass}`);
    // The operator console reads the registry: the card is active.
    const seen = await json<{ state: string }>(await relay.call(relay.aisha, 'GET', `/api/cards/${cardId}`));
    expect(seen.state).toBe('active');
    expect(await scanForSecrets(leakSources(relay.database, relay.logs), [{ name: 'the pass', value: pass }])).toEqual(
      [],
    );
  });

  it('with Force authentication sends the pass only by email, and refuses another key, a replay and no proof', async () => {
    const relay = await start();
    const deliver = await relay.publishPassEmail('Your requested pass');
    await relay.publishCardTemplate('tpl-force', (t) => ({
      ...t,
      tap: { ...t.tap, userMayRequest: true, forceAuthentication: true, forceAuthenticationDeliverTemplateId: deliver },
    }));
    const cardId = await relay.issueToBen(7002, 'tpl-force', [k9a, k9e]);
    await relay.operatorTransition(cardId, 'activate', 1);
    const ask = (body: object) => relay.call(USERS.ben, 'POST', '/api/self-service/request-tap', { cardId, ...body });
    const before = world().emulator.control.tapFor(USERS.ben)?.id;
    await refused(await ask({}), 400, 'PROOF_REQUIRED');
    // A card whose 9A key is not the one recorded (another card): refused, and that challenge is spent.
    const wrong = await relay.prove(cardId, 'request-tap', slotKey('9a'));
    await refused(await ask(wrong), 403, 'SIGNATURE_WRONG');
    await refused(await ask({ ...wrong, signature: cardSigns(k9a, '') }), 409, 'CHALLENGE_REPLAYED');
    expect(world().emulator.control.tapFor(USERS.ben)?.id).toBe(before);
    const right = await relay.prove(cardId, 'request-tap', k9a);
    const res = await ask(right);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ temporaryAccessPass: null, emailed: true, isUsableOnce: true });
    const pass = world().emulator.control.tapFor(USERS.ben)!.temporaryAccessPass;
    expect(text).not.toContain(pass);
    expect((await world().catcher.waitForMessage((m) => m.subject === 'Your requested pass', 5000)).text).toContain(
      pass,
    );
    await refused(await ask(right), 409, 'CHALLENGE_REPLAYED');
    expect(await scanForSecrets(leakSources(relay.database, relay.logs), [{ name: 'the pass', value: pass }])).toEqual(
      [],
    );
  });

  it('refuses what the template does not allow, another holder, a retired card, a guest and an expired nonce', async () => {
    const relay = await start();
    await relay.publishCardTemplate('tpl-plain', (t) => t);
    const cardId = await relay.issueToBen(7003, 'tpl-plain', [k9a]);
    await relay.operatorTransition(cardId, 'activate', 1);
    const challenge = (who: string, purpose: string, id = cardId) =>
      relay.call(who, 'POST', '/api/self-service/challenge', { cardId: id, purpose });
    const words = await refused(await challenge(USERS.ben, 'request-tap'), 403, 'TEMPLATE_FORBIDS');
    expect(words).toContain('does not let holders request');
    expect(await refused(await challenge(USERS.ben, 'unblock'), 403, 'TEMPLATE_FORBIDS')).toContain(
      'unblock their PIN',
    );
    await refused(await challenge(USERS.nina, 'activate'), 403, 'CARD_NOT_YOURS');
    await refused(await challenge(USERS.gary, 'activate'), 403, 'SELF_SERVICE_GUEST');
    await refused(await relay.call(USERS.gary, 'GET', '/api/self-service/cards'), 403, 'SELF_SERVICE_GUEST');
    // A nonce answered after its two minutes.
    await relay.publishCardTemplate('tpl-fresh', (t) => t);
    const fresh = await relay.issueToBen(7004, 'tpl-fresh', [k9a]);
    const late = await relay.prove(fresh, 'activate', k9a);
    relay.clock.now += 2 * 60_000 + 1;
    const activate = (body: object) =>
      relay.call(USERS.ben, 'POST', '/api/self-service/activate', { cardId: fresh, ...body });
    await refused(await activate(late), 409, 'CHALLENGE_EXPIRED');
    await refused(await activate({ challengeId: 'no-such-challenge', signature: 'AAAA' }), 404, 'CHALLENGE_UNKNOWN');
    await relay.operatorTransition(cardId, 'retire', 2);
    await refused(await challenge(USERS.ben, 'activate'), 409, 'CARD_RETIRED');
    // Every refusal is in the audit trail, in words, with its code.
    const rows = await relay.database.db
      .selectFrom('audit')
      .select(['action', 'outcome', 'reason'])
      .where('action', 'like', 'holder.%')
      .where('outcome', '=', 'refused')
      .execute();
    const codes = rows.map((r) => /\(([A-Z_]+)\)$/.exec(r.reason)?.[1]).sort();
    expect(codes).toEqual(
      [
        'TEMPLATE_FORBIDS',
        'TEMPLATE_FORBIDS',
        'CARD_NOT_YOURS',
        'SELF_SERVICE_GUEST',
        'SELF_SERVICE_GUEST',
        'CHALLENGE_EXPIRED',
        'CHALLENGE_UNKNOWN',
        'CARD_RETIRED',
      ].sort(),
    );
  });

  it('limits each holder to SELF_SERVICE_RATE_PER_MINUTE requests', async () => {
    const relay = await start({ SELF_SERVICE_RATE_PER_MINUTE: '2' });
    await relay.publishCardTemplate('tpl-rate', (t) => t);
    const cardId = await relay.issueToBen(7005, 'tpl-rate', [k9a]);
    const challenge = () =>
      relay.call(USERS.ben, 'POST', '/api/self-service/challenge', { cardId, purpose: 'activate' });
    expect((await challenge()).status).toBe(200);
    expect((await challenge()).status).toBe(200);
    const res = await challenge();
    await refused(res, 429, 'HOLDER_RATE_LIMITED');
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
  });
});
