/**
 * The card handle, the management key and the issuance steps, each through the real PivSession over the
 * simulator (CCID driver → virtual reader → virtual PIV card).
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../app-error';
import { KEY_REF } from '../piv/constants';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';
import { cardInReader, testMasterKey, USER } from '../../test/lifecycle/lifecycle-fixtures';
import { authenticateAdmin, authenticateChangeable, setDerivedManagementKey } from './admin-key';
import { derivePuk } from './admin-secrets';
import { identifyCard, legacyCardId, openCard, openPivSession, planBinding } from './card';
import { masterKeySecrets } from './card-secrets';
import { generateKeyAndCsr, setActivationPin, setDerivedPuk, writeBinding } from './issue-steps';

const CERT = {
  slot: '9a',
  algorithm: 'ECCP256',
  subject: 'CN=${DisplayName}',
  upnSan: '${UserPrincipalName}',
} as const;

describe('card handle and identity', () => {
  it('names a YubiKey by serial and a generic card by the FASC-N of the CHUID planned for it', async () => {
    const yubikey = await openCard((await cardInReader('yubikey-5.7')).transport);
    expect([yubikey.kind, yubikey.firmware]).toEqual(['yubikey', { major: 5, minor: 7, patch: 2 }]);
    expect(await identifyCard(yubikey)).toMatchObject({ cardId: `serial:${yubikey.serial}`, chuid: null });

    const generic = await openCard((await cardInReader('piv-generic+ff')).transport);
    expect([generic.kind, generic.serial, generic.firmware]).toEqual(['piv', null, null]);
    expect(await identifyCard(generic)).toBeUndefined(); // no CHUID yet: never issued here
    const { id, planned, existing } = await planBinding(generic, USER.id);
    expect(existing).toBeNull();
    expect(planned.guid).toBe(USER.id);
    expect(id.cardId).toMatch(/^chuid:[0-9a-f]{50}$/);
    expect(legacyCardId(id)).toBe(`chuid:${USER.id.replace(/-/g, '')}`);
  });

  it('opens a selected PIV session without Detect', async () => {
    const session = await openPivSession((await cardInReader('yubikey-5.7')).transport);
    await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
    expect(await session.getPinStatus()).toMatchObject({ verified: false, retriesLeft: 3 });
  });
});

describe('management key', () => {
  it('authenticates with the factory key, sets the derived one, then authenticates with that', async () => {
    const card = await openCard((await cardInReader('yubikey-5.4')).transport);
    const masterKey = await testMasterKey();
    const id = (await identifyCard(card))!;
    // 5.4: metadata says 3DES, the firmware offers AES, and SET MANAGEMENT KEY takes AES-192.
    expect(await authenticateChangeable(card, masterKeySecrets(masterKey), id)).toEqual({
      state: 'default',
      algorithm: 'TDES',
      fromMetadata: true,
      target: 'AES192',
    });
    await setDerivedManagementKey(card, masterKeySecrets(masterKey), id, 'AES192');
    expect(await authenticateAdmin(card, masterKeySecrets(masterKey), id, 'retire')).toEqual({
      state: 'derived',
      algorithm: 'AES192',
      fromMetadata: true,
    });
    await expect(authenticateAdmin(card, masterKeySecrets(await testMasterKey()), id, 'retire')).rejects.toMatchObject({
      layer: 'cards',
      code: 'CARD_FOREIGN',
    });
  });

  it('refuses a card without SET MANAGEMENT KEY before anything is written', async () => {
    const card = await openCard((await cardInReader('piv-generic')).transport);
    const { id } = await planBinding(card, USER.id);
    const error = await authenticateChangeable(card, masterKeySecrets(await testMasterKey()), id).catch(
      (e: unknown) => e,
    );
    expect(isAppError(error, 'cards', 'MANAGEMENT_KEY_FIXED')).toBe(true);
    expect((error as { fields: object }).fields).toMatchObject({ algorithm: 'TDES', kind: 'piv', cardId: id.cardId });
  });
});

describe('issuance steps', () => {
  it('writes the binding once, sets the derived PUK and the activation PIN, each checked on the card', async () => {
    const card = await openCard((await cardInReader('yubikey-5.7')).transport);
    const { session } = card;
    const masterKey = await testMasterKey();
    const { id, planned } = await planBinding(card, USER.id);
    await authenticateChangeable(card, masterKeySecrets(masterKey), id);
    expect(await writeBinding(session, planned)).toBe('written');
    expect(await writeBinding(session, planned)).toBe('present');
    expect((await session.readChuid()).guid).toBe(USER.id);

    const puk = await derivePuk(masterKey, id.identity);
    expect(await setDerivedPuk(session, puk, false)).toBe('changed');
    expect(await setDerivedPuk(session, puk, true)).toBe('verified');
    expect((await session.getMetadata(KEY_REF.PUK)).isDefault).toBe(false);
    const wrongPuk = await derivePuk(await testMasterKey(), id.identity);
    await expect(setDerivedPuk(session, wrongPuk, true)).rejects.toMatchObject({ code: 'PUK_UNKNOWN' });

    expect(await setActivationPin(session, puk, '20406080')).toBe('change');
    expect(await setActivationPin(session, puk, '10305070')).toBe('reset-retry-counter');
    await session.verifyPin('10305070');
  });

  it('generates the template key and a CSR the card signed, naming the holder', async () => {
    const card = await openCard((await cardInReader('yubikey-5.7')).transport);
    await card.session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
    await card.session.verifyPin('123456');
    const { csrPem: pem, spki } = await generateKeyAndCsr(card.session, CERT, USER);
    expect(pem).toContain('BEGIN CERTIFICATE REQUEST');
    const { Pkcs10CertificateRequest } = await import('@peculiar/x509');
    const csr = new Pkcs10CertificateRequest(pem);
    expect(csr.subject).toBe(`CN=${USER.displayName}`);
    expect(await csr.verify()).toBe(true);
    // The key the registry records is the one the request certifies.
    expect(new Uint8Array(csr.publicKey.rawData)).toEqual(new Uint8Array(spki));
  });
});
