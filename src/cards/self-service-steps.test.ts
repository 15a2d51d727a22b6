/**
 * The self-service card steps through the real PivSession, CCID driver and virtual reader, on virtual
 * cards given an activation PIN, the derived PUK and keys in 9A and 9E (issuance's own steps). Each
 * signature is checked the way the relay checks it: WebCrypto against the public key from GENERATE.
 */
import { describe, expect, it } from 'vitest';
import { cardInReader, testMasterKey, USER } from '../../test/lifecycle/lifecycle-fixtures';
import { authenticateChangeable, setDerivedManagementKey } from './admin-key';
import { derivePuk } from './admin-secrets';
import { openCard, planBinding, type CardHandle } from './card';
import { masterKeySecrets } from './card-secrets';
import { pinRetriesLeft, pinWorks } from './holder-pin-steps';
import { setActivationPin, setDerivedPuk, writeBinding } from './issue-steps';
import { blockPin, type PinPolicy } from './pins';
import { ecdsaDerToRaw } from '../piv/keys';
import type { CardTransport } from '../transport/card-transport';
import {
  activateOnCard,
  proveWithoutPin,
  proveWithPin,
  setPinAfterUnblock,
  signRelayNonce,
  type NonceToSign,
  type ProofAlgorithm,
} from './self-service-steps';

const ACTIVATION_PIN = '27182818';
const POLICY: PinPolicy = { minLength: 6, maxLength: 8, digitsOnly: true };

interface IssuedCard {
  readonly card: CardHandle;
  readonly transport: CardTransport;
  readonly puk: string;
  readonly spki: { readonly '9A': Uint8Array; readonly '9E': Uint8Array };
}

/** A card issued as Keyward does, with proof keys of `algorithm` in 9A and 9E (default PIN policies). */
async function issuedCard(algorithm: ProofAlgorithm, profile: 'yubikey-5.7' | 'piv-generic+ff' = 'yubikey-5.7') {
  const inReader = await cardInReader(profile);
  const card = await openCard(inReader.transport);
  const masterKey = await testMasterKey();
  const { id, planned } = await planBinding(card, USER.id);
  const { target } = await authenticateChangeable(card, masterKeySecrets(masterKey), id);
  await writeBinding(card.session, planned);
  await setDerivedManagementKey(card, masterKeySecrets(masterKey), id, target);
  const a = await card.session.generateKey(0x9a, algorithm);
  const e = await card.session.generateKey(0x9e, algorithm);
  const puk = await derivePuk(masterKey, id.identity);
  await setDerivedPuk(card.session, puk, false);
  await setActivationPin(card.session, puk, ACTIVATION_PIN);
  // The card reset (taken out and put in again), as the holder brings it: nothing verified.
  inReader.card.reset();
  const { transport } = inReader;
  const fresh = await openCard(transport);
  return { card: fresh, transport, puk, spki: { '9A': a.spki, '9E': e.spki } } satisfies IssuedCard;
}

function nonce(slot: NonceToSign['slot'], algorithm: ProofAlgorithm): NonceToSign {
  return { nonce: crypto.getRandomValues(new Uint8Array(32)), slot, algorithm };
}

/** The relay's check: does `signature` verify over the nonce under the recorded public key? */
async function verifies(spki: Uint8Array, challenge: NonceToSign, signature: Uint8Array): Promise<boolean> {
  const data = Uint8Array.from(challenge.nonce);
  if (challenge.algorithm === 'RSA2048') {
    const params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await crypto.subtle.importKey('spki', Uint8Array.from(spki), params, false, ['verify']);
    return crypto.subtle.verify(params, key, Uint8Array.from(signature), data);
  }
  const [curve, hash, field] =
    challenge.algorithm === 'ECCP256' ? (['P-256', 'SHA-256', 32] as const) : (['P-384', 'SHA-384', 48] as const);
  const key = await crypto.subtle.importKey(
    'spki',
    Uint8Array.from(spki),
    { name: 'ECDSA', namedCurve: curve },
    false,
    ['verify'],
  );
  return crypto.subtle.verify({ name: 'ECDSA', hash }, key, Uint8Array.from(ecdsaDerToRaw(signature, field)), data);
}

describe('self-service card steps', () => {
  it('activate: the activation PIN proved, the holder’s PIN set, and 9A signs the nonce', async () => {
    const { card, spki } = await issuedCard('ECCP256');
    const challenge = nonce('9A', 'ECCP256');
    const signature = await activateOnCard(
      card.session,
      { activationPin: ACTIVATION_PIN, newPin: '86420135', policy: POLICY },
      challenge,
    );
    expect(await verifies(spki['9A'], challenge, signature)).toBe(true);
    expect(await verifies(spki['9E'], challenge, signature)).toBe(false);
    expect(await pinWorks(card.session, ACTIVATION_PIN)).toBe(false);
    expect(await pinWorks(card.session, '86420135')).toBe(true);
  });

  it('activate: a PIN outside the policy is refused before the card is touched; a wrong activation PIN spends a try', async () => {
    const { card } = await issuedCard('ECCP256');
    const challenge = nonce('9A', 'ECCP256');
    const strict: PinPolicy = { minLength: 8, maxLength: 8, digitsOnly: true };
    await expect(
      activateOnCard(card.session, { activationPin: ACTIVATION_PIN, newPin: '135790', policy: strict }, challenge),
    ).rejects.toMatchObject({ layer: 'cards', code: 'PIN_POLICY', fields: { minLength: 8 } });
    expect(await pinRetriesLeft(card.session)).toBe(3);
    await expect(
      activateOnCard(card.session, { activationPin: '00000000', newPin: '13579135', policy: strict }, challenge),
    ).rejects.toMatchObject({ layer: 'piv', code: 'PIN_INVALID', fields: { retriesLeft: 2 } });
    expect(await pinWorks(card.session, ACTIVATION_PIN)).toBe(true);
  });

  it('request a pass with Force authentication: 9A signs only after the PIN is verified', async () => {
    const { card, spki } = await issuedCard('ECCP384');
    const challenge = nonce('9A', 'ECCP384');
    await expect(signRelayNonce(card.session, challenge)).rejects.toMatchObject({ layer: 'piv' });
    await expect(proveWithPin(card.session, '00000000', challenge)).rejects.toMatchObject({ code: 'PIN_INVALID' });
    const signature = await proveWithPin(card.session, ACTIVATION_PIN, challenge);
    expect(await verifies(spki['9A'], challenge, signature)).toBe(true);
  });

  it('RSA 2048 keys sign the PKCS#1 v1.5 block of the nonce’s SHA-256', async () => {
    const { card, spki } = await issuedCard('RSA2048', 'piv-generic+ff');
    const challenge = nonce('9E', 'RSA2048');
    const signature = await proveWithoutPin(card.session, challenge);
    expect(signature).toHaveLength(256);
    expect(await verifies(spki['9E'], challenge, signature)).toBe(true);
  });

  it('unblock: 9E signs while the PIN is blocked, then the released PUK sets the new PIN', async () => {
    const { card, transport, puk, spki } = await issuedCard('ECCP256');
    await blockPin(card.session);
    expect(await pinRetriesLeft(card.session)).toBe(0);
    const challenge = nonce('9E', 'ECCP256');
    const signature = await proveWithoutPin(card.session, challenge);
    expect(await verifies(spki['9E'], challenge, signature)).toBe(true);
    await expect(setPinAfterUnblock(card.session, puk, '123456', POLICY)).rejects.toMatchObject({
      code: 'PIN_POLICY',
    });
    expect(await pinRetriesLeft(card.session)).toBe(0);
    await setPinAfterUnblock(card.session, puk, '97531864', POLICY);
    expect(await pinRetriesLeft(card.session)).toBeNull();
    const again = await openCard(transport);
    expect(await pinWorks(again.session, '97531864')).toBe(true);
  });
});
