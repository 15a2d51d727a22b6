/**
 * Detect and the derived admin secrets against the virtual PIV card, through the whole stack
 * (ApduChannel → CCID driver → virtual reader → src/simulator/piv-card).
 */
import { describe, expect, it } from 'vitest';
import { PivSession } from '../piv/session';
import { ApduChannel } from '../apdu/channel';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';
import { createVirtualPivCard, type PivCardProfileName } from '../simulator/piv-card/virtual-piv-card';
import { createSimulatorTransport } from '../simulator/simulator-transport';
import { deriveAdminSecrets, importCardMasterKey } from './admin-secrets';
import { detectCard } from './detect';

async function insert(profile: PivCardProfileName, serial: number) {
  const card = createVirtualPivCard({ profile, serial });
  return createSimulatorTransport({ card });
}

describe('Detect on the virtual cards', () => {
  it('YubiKey 5.7: AES-192 management key, 5.7 algorithms, retries and serial', async () => {
    const d = await detectCard(await insert('yubikey-5.7', 12345678));
    expect(d).toEqual({
      kind: 'yubikey',
      typeName: 'YubiKey 5 · PIV · firmware 5.7.2 · serial 12345678',
      atr: '3BFD1300008131FE158073C021C057597562694B657940',
      capabilities: {
        algorithms: ['RSA1024', 'RSA2048', 'ECCP256', 'ECCP384', 'RSA3072', 'RSA4096', 'ED25519', 'X25519'],
        managementKeyAlgorithm: 'AES192',
        pinRetries: 3,
        pukRetries: 3,
        serial: 12345678,
        firmware: '5.7.2',
      },
    });
  });

  it('YubiKey 5.4: 3DES; a plain PIV card: "PIV card" with the algorithms its SELECT lists', async () => {
    expect((await detectCard(await insert('yubikey-5.4', 7654321))).capabilities).toMatchObject({
      managementKeyAlgorithm: 'TDES',
      serial: 7654321,
      firmware: '5.4.3',
    });
    const plain = await detectCard(await insert('piv-generic', 1));
    expect(plain).toMatchObject({
      kind: 'piv',
      typeName: 'PIV card',
      capabilities: { managementKeyAlgorithm: 'TDES', pinRetries: 3, pukRetries: undefined },
    });
    expect(plain.capabilities?.algorithms).toEqual(expect.arrayContaining(['RSA2048', 'ECCP256']));
  });
});

describe('derived admin secrets on a card', () => {
  it('replace the defaults, and the same master key opens the card again later', async () => {
    const transport = await insert('yubikey-5.7', 555);
    const { capabilities } = await detectCard(transport);
    const master = await importCardMasterKey(Uint8Array.from({ length: 32 }, (_, i) => i ^ 0x5a));
    const secrets = await deriveAdminSecrets(
      master,
      { serial: capabilities!.serial! },
      capabilities!.managementKeyAlgorithm,
    );
    const session = new PivSession(new ApduChannel(transport));
    await session.select();
    await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
    await session.setManagementKey('AES192', secrets.managementKey);
    await session.changePuk('12345678', secrets.puk);
    const again = await deriveAdminSecrets(master, { serial: 555 }, 'AES192');
    await session.authenticate(again.managementKey, 'AES192');
    await expect(session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(await session.getMetadata(0x9b)).toMatchObject({ isDefault: false });
    expect(await session.getMetadata(0x81)).toMatchObject({ isDefault: false });
  });
});
