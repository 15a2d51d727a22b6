/**
 * *Send email automatically* off on the relay's self-service path (the shared rule of
 * src/relay-api/tap-rules.ts): the relay never sends such an email; nobody on the holder's page could
 * send it later, so the answer names it for the page to say so, and a pass that only that email would
 * deliver is refused before Graph is called. Through the real relay app, the Entra emulator and the SMTP
 * catcher.
 */
import { expect, it } from 'vitest';
import { publishOn, USERS } from '../../test/support/mail-world';
import { describeSelfService, json, refused, useMailWorld } from './self-service-fixture';

const world = useMailWorld();

describeSelfService('Send email automatically off on the self-service page', world, (suite) => {
  const { k9a } = suite;

  /** Publishes an email with the pass; `automatic` is its Send email automatically. */
  const email = (subject: string, automatic: boolean) =>
    publishOn(suite.relay().app, {
      name: subject,
      to: '${Mail}',
      subject,
      sendAutomatically: automatic,
      text: 'Your pass: ${AadTapCode}\n',
    });

  it('activates, sends the automatic Initiate Card email and holds the other, and says which', async () => {
    const relay = await suite.start();
    const sent = await email('Welcome (sent at once)', true);
    const held = await email('Welcome (held)', false);
    await relay.publishCardTemplate('tpl-held-initiate', (t) => ({
      ...t,
      initiate: { systemGeneratesTap: true, exportTemplateIds: [sent.id, held.id] },
    }));
    const cardId = await relay.issueToBen(7301, 'tpl-held-initiate', [k9a]);
    const res = await relay.call(USERS.ben, 'POST', '/api/self-service/activate', {
      cardId,
      ...(await relay.prove(cardId, 'activate', k9a)),
    });
    expect(res.status).toBe(200);
    expect((await json<{ tap: unknown }>(res)).tap).toEqual({
      tapCreated: true,
      emailed: true,
      held: ['Welcome (held)'],
      problem: null,
    });
    // The answer came after the sends: the held one never reached SMTP.
    await world().catcher.waitForMessage((m) => m.subject === 'Welcome (sent at once)', 5000);
    expect(
      world()
        .catcher.messages()
        .map((m) => m.subject),
    ).toEqual(['Welcome (sent at once)']);
  });

  it('refuses a request that only a held email would deliver, and shows the code with the email held', async () => {
    const relay = await suite.start();
    const held = await email('Your requested pass (held)', false);
    await relay.publishCardTemplate('tpl-held-force', (t) => ({
      ...t,
      tap: { ...t.tap, userMayRequest: true, forceAuthentication: true, forceAuthenticationDeliverTemplateId: held.id },
    }));
    const forced = await relay.issueToBen(7302, 'tpl-held-force', [k9a]);
    const before = world().emulator.control.tapFor(USERS.ben)?.id;
    await relay.operatorTransition(forced, 'activate', 1);
    const cards = await json<{ cards: { cardId: string; actions: { requestTap: object } }[] }>(
      await relay.call(USERS.ben, 'GET', '/api/self-service/cards'),
    );
    expect(cards.cards.find((c) => c.cardId === forced)?.actions.requestTap).toEqual({
      allowed: false,
      reason: expect.stringContaining('is not sent automatically'),
      forceAuthentication: true,
      showCode: false,
      deliverByEmail: false,
    });
    const words = await refused(
      await relay.call(USERS.ben, 'POST', '/api/self-service/challenge', { cardId: forced, purpose: 'request-tap' }),
      403,
      'TEMPLATE_FORBIDS',
    );
    expect(words).toContain('“Your requested pass (held)” is not sent automatically');
    // No pass was created (an earlier test's, if any, is still Ben's).
    expect(world().emulator.control.tapFor(USERS.ben)?.id).toBe(before);

    // Shown on the page as the template allows; its email is held, and the answer says so.
    await relay.publishCardTemplate('tpl-held-show', (t) => ({
      ...t,
      tap: { ...t.tap, userMayRequest: true, showCode: true, operatorDeliverTemplateId: held.id },
    }));
    const shown = await relay.issueToBen(7303, 'tpl-held-show', [k9a]);
    await relay.operatorTransition(shown, 'activate', 1);
    const res = await relay.call(USERS.ben, 'POST', '/api/self-service/request-tap', { cardId: shown });
    expect(res.status).toBe(200);
    const pass = world().emulator.control.tapFor(USERS.ben)!.temporaryAccessPass;
    expect(await json(res)).toMatchObject({
      temporaryAccessPass: pass,
      emailed: false,
      held: ['Your requested pass (held)'],
      problem: null,
    });
    expect(world().catcher.messages()).toEqual([]);
  });
});
