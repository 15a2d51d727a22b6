/**
 * The holder-PIN steps (activation, unblock, Detect Locked) and the retirement steps, through the real
 * PivSession over the simulator, on cards whose admin secrets were derived first.
 */
import { describe, expect, it } from 'vitest';
import { OBJECT_TAG } from '../piv/constants';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';
import type { PivSession } from '../piv/session';
import { cardInReader, testMasterKey, USER, type TestCardProfile } from '../../test/lifecycle/lifecycle-fixtures';
import { authenticateAdmin, authenticateChangeable, setDerivedManagementKey } from './admin-key';
import { derivePuk } from './admin-secrets';
import { openCard, planBinding, readChuidOrNull, type CardHandle, type CardIdentification } from './card';
import { masterKeySecrets } from './card-secrets';
import {
  changeHolderPin,
  pinRetriesLeft,
  pinWorks,
  reportedPukRetries,
  resetPinWithPuk,
  verifyActivationPin,
} from './holder-pin-steps';
import { setActivationPin, setDerivedPuk, writeBinding } from './issue-steps';
import { DEFAULT_PIN } from './pins';
import { destroyKeys, removeBinding, resetAdminSecrets, resetToBlank } from './retire-steps';

const ACTIVATION_PIN = '31415926';

/** A card given its binding, derived management key and PUK, and an activation PIN (issuance's steps, unjournalled). */
async function issuedCard(
  profile: TestCardProfile,
): Promise<{ card: CardHandle; id: CardIdentification; masterKey: CryptoKey; puk: string }> {
  const card = await openCard((await cardInReader(profile)).transport);
  const masterKey = await testMasterKey();
  const { id, planned } = await planBinding(card, USER.id);
  const { target } = await authenticateChangeable(card, masterKeySecrets(masterKey), id);
  await writeBinding(card.session, planned);
  await setDerivedManagementKey(card, masterKeySecrets(masterKey), id, target);
  const puk = await derivePuk(masterKey, id.identity);
  await setDerivedPuk(card.session, puk, false);
  await setActivationPin(card.session, puk, ACTIVATION_PIN);
  return { card, id, masterKey, puk };
}

async function blockPin(session: PivSession): Promise<void> {
  for (let i = 0; i < 3; i++) await pinWorks(session, '00000000').catch(() => false);
}

describe('holder PIN steps', () => {
  it('activation: the activation PIN is proved, then replaced by the holder’s PIN', async () => {
    const { card } = await issuedCard('yubikey-5.7');
    const { session } = card;
    await expect(verifyActivationPin(session, '00000000')).rejects.toMatchObject({
      layer: 'piv',
      code: 'PIN_INVALID',
      fields: { retriesLeft: 2 },
    });
    await verifyActivationPin(session, ACTIVATION_PIN);
    await changeHolderPin(session, ACTIVATION_PIN, '24681357');
    expect(await pinWorks(session, ACTIVATION_PIN)).toBe(false);
    expect(await pinWorks(session, '24681357')).toBe(true);
  });

  it('Detect Locked and unblock: tries left, 0 once blocked, the derived PUK sets a new PIN', async () => {
    const { card, puk } = await issuedCard('yubikey-5.7');
    const { session } = card;
    expect(await pinRetriesLeft(session)).toBeNull(); // verified when the activation PIN was set
    expect(await pinWorks(session, '00000000')).toBe(false);
    expect(await pinRetriesLeft(session)).toBe(2);
    await blockPin(session);
    expect(await pinRetriesLeft(session)).toBe(0);
    await resetPinWithPuk(session, puk, '55667788');
    expect(await pinRetriesLeft(session)).toBeNull(); // verified by the step itself
    expect(await reportedPukRetries(session)).toBe(3);
  });

  it('a card without metadata does not report its PUK tries', async () => {
    const { card, puk } = await issuedCard('piv-generic+ff');
    await resetPinWithPuk(card.session, puk, '55667788');
    expect(await reportedPukRetries(card.session)).toBeUndefined();
  });
});

describe('retirement steps', () => {
  it('YubiKey: reset to blank brings back the factory PIN and management key, and drops the binding', async () => {
    const { card, puk } = await issuedCard('yubikey-5.4');
    await resetToBlank(card.session, puk);
    await card.session.verifyPin(DEFAULT_PIN);
    await card.session.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES');
    expect(await readChuidOrNull(card.session)).toBeNull();
  });

  it('generic card: keys destroyed, PIN and PUK back to factory values, binding removed', async () => {
    const { card, id, masterKey, puk } = await issuedCard('piv-generic+ff');
    const { session } = card;
    await authenticateAdmin(card, masterKeySecrets(masterKey), id, 'retire');
    await session.writeObject(OBJECT_TAG.CERT_9A, Uint8Array.of(0x70, 0x01, 0x00, 0x71, 0x01, 0x00));
    expect((await session.readObject(OBJECT_TAG.CERT_9A)).length).toBeGreaterThan(0);
    await destroyKeys(session);
    await expect(session.readObject(OBJECT_TAG.CERT_9A)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await resetAdminSecrets(session, puk);
    await session.verifyPin(DEFAULT_PIN);
    await session.changePuk('12345678', '12345678');
    await removeBinding(session);
    const chuid = await readChuidOrNull(session);
    expect(chuid?.guid).not.toBe(USER.id);
  });
});
