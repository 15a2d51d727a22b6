/**
 * A pass the relay creates for a holder, under the template rules it shares with the console
 * (src/relay-api/tap-rules.ts), through the real relay app over its store, the Entra emulator and the
 * SMTP catcher: its email names the card as the console's does.
 */
import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { publishOn, relayToken, USERS } from '../../test/support/mail-world';
import type { RelayEndpoint } from '../../src/relay-api/request';
import { cardValues } from '../../src/workflows/operator-tap';
import { relayCardRegistry } from '../../src/workflows/ports';
import {
  buildSelfServiceApp,
  cardSigns,
  slotKey,
  useMailWorld,
  type SelfServiceApp,
  type SlotKey,
} from './self-service-fixture';

const world = useMailWorld();

const json = async <T>(res: Response) => (await res.json()) as T;

describeStore('a pass the relay creates for a holder', (target) => {
  let relay: SelfServiceApp;
  const k9a = slotKey('9a');

  async function start() {
    world().catcher.clear();
    relay = await buildSelfServiceApp(world(), (await target.fresh()).database);
  }

  /** The relay as the console reaches it, signed in as `userId`. */
  const endpoint = (userId: string): RelayEndpoint => ({
    url: 'http://relay.test',
    token: () => relayToken(world(), userId),
    fetch: async (input, init) => relay.app.request(input instanceof Request ? input : String(input), init),
  });

  /** Activates `cardId` as Ben, proving it with `key`; answers the relay's result. */
  async function activate(cardId: string, key: SlotKey) {
    const res = await relay.call(USERS.ben, 'POST', '/api/self-service/challenge', { cardId, purpose: 'activate' });
    const challenge = await json<{ challengeId: string; nonce: string }>(res);
    const proof = { challengeId: challenge.challengeId, signature: cardSigns(key, challenge.nonce) };
    const done = await relay.call(USERS.ben, 'POST', '/api/self-service/activate', { cardId, ...proof });
    expect(done.status).toBe(200);
    return json<{ tap: { tapCreated: boolean; emailed: boolean; held: string[] } }>(done);
  }

  it('names the card in the activation email as the console does: its serial or its id, and its kind in words', async () => {
    await start();
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
    const asConsole = cardValues((await relayCardRegistry(endpoint(USERS.aisha)).card(yubikey))!);
    expect(first.text).toContain(`Card: ${asConsole.CardSerial} (${asConsole.CredentialType}).`);

    // A PIV card has no serial: it is named by the id the registry knows it by, never "Card:  ()".
    const chuidCard = 'chuid:d4e7a1b2c3f40516';
    const issued = await relay.call(relay.aisha, 'POST', `/api/cards/${chuidCard}/transitions`, {
      transition: 'issue',
      expectedVersion: 0,
      issue: {
        holderOid: USERS.ben,
        holderName: 'Ben Member',
        holderUpn: 'ben.member@contoso.example',
        templateId: 'tpl-initiate',
        templateVersion: 1,
        credentialType: 'piv',
        serial: null,
        chuidGuid: USERS.ben.replaceAll('-', ''),
        keys: [k9a.record],
        managementKeyAlgorithm: 'TDES',
      },
    });
    expect(issued.status).toBe(200);
    await activate(chuidCard, k9a);
    const second = await world().catcher.waitForMessage((m) => m.text.includes(chuidCard), 5000);
    expect(second.text).toContain(`Card: ${chuidCard} (PIV card).`);
    const piv = cardValues((await relayCardRegistry(endpoint(USERS.aisha)).card(chuidCard))!);
    expect(second.text).toContain(`Card: ${piv.CardSerial} (${piv.CredentialType}).`);
  });
});
