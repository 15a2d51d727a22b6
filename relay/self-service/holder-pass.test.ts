/**
 * A pass the relay creates for a holder, under the template rules it shares with the console
 * (src/relay-api/tap-rules.ts), through the real relay app over its store, the Entra emulator and the
 * SMTP catcher: its email names the card as the console's does, and it is recorded for its card, so the
 * console's Lost report (src/workflows/lost-card.ts, Graph as the operator) removes it.
 */
import { expect, it } from 'vitest';
import { publishOn, USERS } from '../../test/support/mail-world';
import { tapGraphAs } from '../../test/support/test-entra';
import { testTls } from '../../test/support/test-tls';
import { reportCardLost } from '../../src/workflows/lost-card';
import { cardValues } from '../../src/workflows/operator-tap';
import { relayAuditLog, relayCardRegistry } from '../../src/workflows/ports';
import { describeSelfService, json, useMailWorld, type SlotKey } from './self-service-fixture';

const world = useMailWorld(testTls);

describeSelfService('a pass the relay creates for a holder', world, (suite) => {
  const { k9a } = suite;

  /** Activates `cardId` as Ben, proving it with `key`; answers the relay's result. */
  async function activate(cardId: string, key: SlotKey) {
    const proof = await suite.relay().prove(cardId, 'activate', key);
    const done = await suite.relay().call(USERS.ben, 'POST', '/api/self-service/activate', { cardId, ...proof });
    expect(done.status).toBe(200);
    return json<{ tap: { tapCreated: boolean; emailed: boolean; held: string[] } }>(done);
  }

  it('names the card in the activation email as the console does: its serial or its id, and its kind in words', async () => {
    const relay = await suite.start();
    const email = await publishOn(relay.app, {
      name: 'Welcome',
      to: '${Mail}',
      subject: 'Welcome: your card is ready',
      text: 'Your pass: ${AadTapCode}\nCard: ${CardSerial} (${CredentialType}).\n',
    });
    await relay.publishCardTemplate('tpl-initiate', (t) => ({
      ...t,
      initiate: { systemGeneratesTap: true, exportTemplateIds: [email.id] },
    }));
    const yubikey = await relay.issueToBen(7201, 'tpl-initiate', [k9a]);
    expect((await activate(yubikey, k9a)).tap).toMatchObject({ tapCreated: true, emailed: true, held: [] });
    const first = await world().catcher.waitForMessage((m) => m.text.includes('Card: 7201'), 5000);
    expect(first.text).toContain('Card: 7201 (YubiKey).');
    // The console's own rule for the same registry card gives the same words.
    const asConsole = cardValues((await relayCardRegistry(relay.endpoint(USERS.aisha)).card(yubikey))!);
    expect(first.text).toContain(`Card: ${asConsole.CardSerial} (${asConsole.CredentialType}).`);

    // A PIV card has no serial: it is named by the id the registry knows it by, never "Card:  ()".
    const chuidCard = 'chuid:d4e7a1b2c3f40516';
    await relay.issueCardToBen(chuidCard, 'tpl-initiate', [k9a], {
      credentialType: 'piv',
      serial: null,
      chuidGuid: USERS.ben.replaceAll('-', ''),
      managementKeyAlgorithm: 'TDES',
    });
    await activate(chuidCard, k9a);
    const second = await world().catcher.waitForMessage((m) => m.text.includes(chuidCard), 5000);
    expect(second.text).toContain(`Card: ${chuidCard} (PIV card).`);
    const piv = cardValues((await relayCardRegistry(relay.endpoint(USERS.aisha)).card(chuidCard))!);
    expect(second.text).toContain(`Card: ${piv.CardSerial} (${piv.CredentialType}).`);
  });

  it("records the holder's requested pass for the card, and the console's Lost report removes it in Entra ID", async () => {
    const relay = await suite.start();
    await relay.publishCardTemplate('tpl-request', (t) => ({
      ...t,
      tap: { ...t.tap, userMayRequest: true, showCode: true, operatorDeliverTemplateId: null },
    }));
    const cardId = await relay.issueToBen(7202, 'tpl-request', [k9a]);
    await relay.operatorTransition(cardId, 'activate', 1);
    const res = await relay.call(USERS.ben, 'POST', '/api/self-service/request-tap', { cardId });
    expect(res.status).toBe(200);
    const pass = world().emulator.control.tapFor(USERS.ben)!;
    expect(await json(res)).toMatchObject({ temporaryAccessPass: pass.temporaryAccessPass, emailed: false, held: [] });

    // Recorded like the console's PUT /api/cards/:id/pass: its id and user, never the code.
    const recorded = await json<{ pass: { tapId: string; userOid: string } | null }>(
      await relay.call(relay.aisha, 'GET', `/api/cards/${cardId}/pass`),
    );
    expect(recorded.pass).toMatchObject({ tapId: pass.id, userOid: USERS.ben });
    expect(JSON.stringify(recorded)).not.toContain(pass.temporaryAccessPass);

    // Aisha reports the card lost from her console: the pass is deleted in Graph, and audited.
    const aisha = relay.endpoint(USERS.aisha);
    const ports = { registry: relayCardRegistry(aisha), audit: relayAuditLog(aisha) };
    const card = (await ports.registry.card(cardId))!;
    const graph = tapGraphAs(world().emulator, 'Aisha Operator');
    const report = await reportCardLost(ports, card, { graph, audit: ports.audit });
    expect(report).toMatchObject({ card: { state: 'retired' }, pass: { status: 'revoked', tapId: pass.id } });
    expect(world().emulator.control.tapFor(USERS.ben)).toBeUndefined();
    await expect
      .poll(async () =>
        relay.database.db.selectFrom('audit').select(['outcome']).where('action', '=', 'tap.revoke').execute(),
      )
      .toEqual([{ outcome: 'succeeded' }]);
  });
});
