/**
 * The holder's self-service workflows end to end below the page: the browser's relay client against the
 * real relay (its self-service routes, card keys, TAP broker and mail, with the Entra emulator and an
 * SMTP catcher as the outside world), and the card steps' real APDUs on a virtual YubiKey behind the
 * simulator reader. The card is issued as an operator would: registered with its 9A and 9E public keys,
 * the PUK the relay derives for it, and an activation PIN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailWorld, USERS, type MailWorld } from '../../test/support/mail-world';
import { cardInReader } from '../../test/lifecycle/lifecycle-fixtures';
import { buildSelfServiceApp, type SelfServiceApp } from '../../relay/self-service/self-service-fixture';
import { openDatabase } from '../../relay/db/connect';
import { migrate } from '../../relay/db/migrations';
import { toBase64 } from '../bytes';
import { openCard } from '../cards/card';
import { pinRetriesLeft, pinWorks } from '../cards/holder-pin-steps';
import { blockPin, DEFAULT_PIN, DEFAULT_PUK } from '../cards/pins';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';
import type { CardTransport } from '../cards/readers';
import { listMyCards, pinPolicyFor } from './holder-cards';
import { activate, requestTap, unblock } from './self-service';

const ACTIVATION_PIN = '31415926';
const HOLDER_PIN = '27182818';

let world: MailWorld;
let relay: SelfServiceApp;
let close: () => Promise<void>;
beforeAll(async () => {
  world = await startMailWorld();
  const database = openDatabase({ dataDir: ':memory:' });
  await migrate(database.db);
  close = () => database.close();
  relay = await buildSelfServiceApp(world, database);
}, 120_000);
afterAll(async () => {
  await close?.();
  await world?.close();
});

/**
 * A YubiKey issued to Ben under `templateId`: 9A and 9E keys generated on it and registered, its PUK the
 * one the relay derives for it (released to the operator for issuance), the activation PIN set.
 */
async function issuedToBen(serial: number, templateId: string): Promise<CardTransport> {
  const { transport } = await cardInReader('yubikey-5.7', serial);
  const { session } = await openCard(transport);
  await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
  const keys = await Promise.all(
    (['9a', '9e'] as const).map(async (slot) => ({
      slot,
      algorithm: 'ECCP256' as const,
      publicKey: toBase64((await session.generateKey(slot === '9a' ? 0x9a : 0x9e, 'ECCP256')).spki),
    })),
  );
  const cardId = await relay.issueToBen(serial, templateId, keys);
  const released = await relay.call(relay.aisha, 'POST', `/api/card-keys/${cardId}/release`, {
    operation: 'issue',
    secret: 'puk',
  });
  const { puk } = (await released.json()) as { puk: string };
  await session.changePuk(DEFAULT_PUK, puk);
  await session.changePin(DEFAULT_PIN, ACTIVATION_PIN);
  return transport;
}

/** Card `serial` {@link issuedToBen}, as Ben reaches the relay and lists it, with its PIN policy. */
async function bensIssuedCard(serial: number, templateId: string) {
  const transport = await issuedToBen(serial, templateId);
  const ben = relay.endpoint(USERS.ben);
  const card = (await listMyCards(ben)).find((c) => c.cardId === `serial:${serial}`);
  if (!card) throw new Error(`serial:${serial} is not in Ben's list`);
  return { transport, ben, card, policy: pinPolicyFor(card) };
}

describe('self-service workflows', () => {
  let templateId = '';
  beforeAll(async () => {
    const mail = await relay.publishPassEmail('Your pass');
    templateId = 'tpl-self-service';
    await relay.publishCardTemplate(templateId, (t) => ({
      ...t,
      issue: { ...t.issue, selfServiceUnblock: true },
      tap: { ...t.tap, userMayRequest: true, forceAuthentication: true, forceAuthenticationDeliverTemplateId: mail },
      initiate: { systemGeneratesTap: true, exportTemplateIds: [mail] },
    }));
  }, 60_000);

  it('activate, request a pass with Force authentication, block the PIN and unblock it', async () => {
    const { transport, ben, card: listed, policy } = await bensIssuedCard(8101, templateId);

    const activated = await activate(ben, transport, listed, {
      activationPin: ACTIVATION_PIN,
      newPin: HOLDER_PIN,
      repeatedPin: HOLDER_PIN,
      policy,
    });
    expect(activated).toMatchObject({ card: { state: 'active' }, tap: { tapCreated: true, emailed: true } });
    const card = activated.card;
    const first = world.emulator.control.tapFor(USERS.ben)!;

    const requested = await requestTap(ben, card, { transport, pin: HOLDER_PIN });
    expect(requested).toMatchObject({ temporaryAccessPass: null, emailed: true, problem: null });
    const second = world.emulator.control.tapFor(USERS.ben)!;
    expect(second.id).not.toBe(first.id);
    expect(world.catcher.messages().some((m) => m.text.includes(second.temporaryAccessPass))).toBe(true);

    await blockPin((await openCard(transport)).session);
    expect(await pinRetriesLeft((await openCard(transport)).session)).toBe(0);
    const unblocked = await unblock(ben, transport, card, { newPin: '86420975', repeatedPin: '86420975', policy });
    expect(unblocked.state).toBe('active');
    const fresh = await openCard(transport);
    expect(await pinWorks(fresh.session, '86420975')).toBe(true);
  }, 60_000);

  it('refuses before anything is written: mismatched new PINs, another card in the reader, another card’s signature', async () => {
    const { transport, ben, card, policy } = await bensIssuedCard(8102, templateId);
    const input = { activationPin: ACTIVATION_PIN, newPin: HOLDER_PIN, repeatedPin: '27182810', policy };
    await expect(activate(ben, transport, card, input)).rejects.toMatchObject({ code: 'PIN_MISMATCH' });

    const other = (await cardInReader('yubikey-5.7', 8199)).transport;
    await expect(activate(ben, other, card, { ...input, repeatedPin: HOLDER_PIN })).rejects.toMatchObject({
      layer: 'workflows',
      code: 'NOT_THE_CHOSEN_CARD',
    });
    // The chosen card kept its activation PIN and every try.
    const mine = await openCard(transport);
    expect(await pinRetriesLeft(mine.session)).toBe(3);
    expect(await pinWorks(mine.session, ACTIVATION_PIN)).toBe(true);
  }, 60_000);
});
