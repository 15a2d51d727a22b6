/**
 * The administrator's one-time migration of this browser's card master key into the relay, through the
 * browser's relay client and the real relay (its card-key routes and vault on PGlite): afterwards the
 * relay holds the same key (same fingerprint) and derives the PUK this browser derives for a card;
 * an operator is refused, and the relay never replaces a key that released a secret.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { PEOPLE, useRelayWorld } from '../../test/support/relay-world';
import { testTemplate } from '../../test/lifecycle/lifecycle-fixtures';
import { transitionCard } from '../relay-api/cards';
import { derivePuk } from '../cards/admin-secrets';
import { relayCall } from '../relay-api/request';
import { ReleasedSecret } from '../relay-api/card-keys-contract';
import { keepKeyLikeAnOlderKeyward } from '../../test/support/older-browser-key';
import { forgetMasterKey, masterKeyStatus } from './master-key';
import { moveMasterKeyToRelay, relayMasterKeyStatus } from './relay-master-key';

const PASSPHRASE = 'correct horse battery staple';

const world = useRelayWorld();

describe('moving the card master key into the relay', () => {
  it('gives the relay this browser’s key once; the relay then derives the same PUK for a registered card', async () => {
    const admin = world().endpoint(PEOPLE.adam);
    const mine = await keepKeyLikeAnOlderKeyward(PASSPHRASE);
    await expect(forgetMasterKey(undefined)).rejects.toMatchObject({ code: 'MASTER_KEY_NOT_IN_RELAY' });
    expect((await relayMasterKeyStatus(admin)).fingerprint).not.toBe(mine.fingerprint);
    await expect(moveMasterKeyToRelay(world().endpoint(PEOPLE.olivia), PASSPHRASE)).rejects.toMatchObject({
      code: 'ROLE_MISSING',
    });
    await expect(moveMasterKeyToRelay(admin, 'not the passphrase')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    const moved = await moveMasterKeyToRelay(admin, PASSPHRASE);
    expect(moved).toMatchObject({ replaced: true, status: { fingerprint: mine.fingerprint, source: 'imported' } });
    expect((await moveMasterKeyToRelay(admin, PASSPHRASE)).replaced).toBe(false);

    // A card registered by an operator: the relay's PUK for it is the one this browser derives.
    const template = testTemplate();
    const version = await world().publish('card', template);
    await transitionCard(world().endpoint(PEOPLE.olivia), 'serial:4242', {
      transition: 'issue',
      expectedVersion: 0,
      issue: {
        holderOid: 'oid-holder',
        holderName: 'A Holder',
        holderUpn: 'holder@contoso.example',
        templateId: template.id,
        templateVersion: version,
        credentialType: 'yubikey',
        serial: 4242,
        chuidGuid: '',
        keys: [],
        managementKeyAlgorithm: 'AES192',
      },
    });
    const released = await relayCall(world().endpoint(PEOPLE.olivia), {
      path: '/api/card-keys/serial:4242/release',
      body: { operation: 'issue', secret: 'puk' },
      answer: ReleasedSecret,
    });
    expect(released).toEqual({ secret: 'puk', puk: await derivePuk(mine.key, { serial: 4242 }) });
    expect((await masterKeyStatus())!.fingerprint).toBe(mine.fingerprint);
    // Only now, with the relay holding it, may the browser's copy go.
    await forgetMasterKey(moved.status.fingerprint);
    expect(await masterKeyStatus()).toBeNull();
  });
});
