/**
 * The PivSession suite end to end: PivSession → ApduChannel → the WebUSB CCID driver → the virtual CCID
 * reader → the virtual PIV card (src/simulator/piv-card, written independently from the same
 * specs). Nothing here is scripted: the card keeps real state, real keys and real counters.
 */
import 'reflect-metadata';
import { Pkcs10CertificateRequest, X509Certificate } from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { ApduChannel } from '../apdu/channel';
import { createVirtualPivCard, type PivCardProfileName } from '../simulator/piv-card/virtual-piv-card';
import { corpusEntry } from '../simulator/fake-corpus';
import { createSimulatorTransport } from '../simulator/simulator-transport';
import { createCsr, slotSigner } from './csr';
import { digestInfo } from './keys';
import { DEFAULT_MANAGEMENT_KEY } from './management-key';
import { nonFederalFascn } from './fascn';
import { PivSession } from './session';

async function open(profile: PivCardProfileName, serial = 12345678, readerFile?: string) {
  const card = createVirtualPivCard({ profile, serial });
  const transport = await createSimulatorTransport({ card, ...(readerFile ? { entry: corpusEntry(readerFile) } : {}) });
  const channel = new ApduChannel(transport);
  const { session } = await PivSession.open(channel);
  return { card, transport, channel, session };
}

const sha = async (name: string, data: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest(name, Uint8Array.from(data)));

describe('PivSession against the virtual YubiKey 5.7', () => {
  it('runs an issuance: new admin secrets, PIN, CHUID, a 9A key, a CSR and a gzip certificate', async () => {
    const { session } = await open('yubikey-5.7');
    const managementKey = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const puk = '80417263';
    await session.select();
    await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
    await session.setManagementKey('AES256', managementKey);
    await session.authenticate(managementKey, 'AES256');
    await session.changePuk('12345678', puk);
    await session.changePin('123456', '246810');
    const chuid = {
      fascn: nonFederalFascn(12345678),
      guid: '5b1c2e6f-3a4d-4e8b-9c7d-1f2e3a4b5c6d',
      expiration: '20301231',
      signature: new Uint8Array(0),
    };
    await session.writeChuid(chuid);
    expect(await session.readChuid()).toEqual(chuid);

    const key = await session.generateKey(0x9a, 'ECCP256', { pinPolicy: 'ONCE', touchPolicy: 'NEVER' });
    await session.verifyPin('246810');
    const message = new TextEncoder().encode('relay nonce');
    const raw = await session.signEcdsaRaw(0x9a, 'ECCP256', await sha('SHA-256', message));
    expect(
      await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key.cryptoKey!, Uint8Array.from(raw), message),
    ).toBe(true);

    const csr = await createCsr(slotSigner(session, 0x9a, 'ECCP256', key.spki), { subject: 'CN=Ada Lovelace' });
    expect(await new Pkcs10CertificateRequest(csr.rawData).verify()).toBe(true);

    const attestation = new X509Certificate(Uint8Array.from(await session.attest(0x9a)));
    expect(new Uint8Array(attestation.publicKey.rawData)).toEqual(key.spki);
    await session.writeCertificate(0x9a, new Uint8Array(attestation.rawData), { compress: true });
    expect(await session.readCertificate(0x9a)).toEqual(new Uint8Array(attestation.rawData));

    expect(await session.getMetadata(0x9b)).toMatchObject({ algorithm: 'AES256', isDefault: false });
    expect(await session.getPinStatus()).toEqual({ verified: true });
  });

  it('Ed25519 and RSA 2048 keys sign what WebCrypto verifies (one extended APDU each way)', async () => {
    const { session } = await open('yubikey-5.7');
    await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
    const ed = await session.generateKey(0x9c, 'ED25519', { pinPolicy: 'NEVER' });
    const msg = Uint8Array.of(1, 2, 3);
    expect(
      await crypto.subtle.verify(
        'Ed25519',
        ed.cryptoKey!,
        Uint8Array.from(await session.sign(0x9c, 'ED25519', msg)),
        msg,
      ),
    ).toBe(true);
    const rsa = await session.generateKey(0x9d, 'RSA2048', { pinPolicy: 'NEVER' });
    const sig = await session.sign(0x9d, 'RSA2048', digestInfo('SHA-256', await sha('SHA-256', msg)));
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', rsa.cryptoKey!, Uint8Array.from(sig), msg)).toBe(true);
  });

  it('maps the card errors: wrong PIN with retries, blocked, PUK unblock, wrong management key, not found', async () => {
    const { session } = await open('yubikey-5.7');
    await expect(session.verifyPin('000000')).rejects.toMatchObject({
      code: 'PIN_INVALID',
      fields: { retriesLeft: 2 },
    });
    await expect(session.verifyPin('000000')).rejects.toMatchObject({
      code: 'PIN_INVALID',
      fields: { retriesLeft: 1 },
    });
    await expect(session.verifyPin('000000')).rejects.toMatchObject({ code: 'PIN_BLOCKED' });
    await expect(session.verifyPin('123456')).rejects.toMatchObject({ code: 'PIN_BLOCKED' });
    expect(await session.getPinStatus()).toEqual({ verified: false, retriesLeft: 0 });
    await session.unblockPin('12345678', '654321');
    await session.verifyPin('654321');
    await expect(session.authenticate(new Uint8Array(24).fill(9), 'AES192')).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
    await expect(session.readCertificate(0x9e)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(session.generateKey(0x9a, 'ECCP256')).rejects.toMatchObject({ code: 'SECURITY_STATUS' });
  });
});

describe('PivSession over other reader levels', () => {
  const readers = [
    ['short APDU (ACS ACR3901U): 61xx and command chaining', 'ACS_ACR3901U_ICC_Reader.txt', false],
    ['TPDU T=1 (Dell keyboard): extended APDUs in T=1 blocks', 'DellSCRK.txt', true],
  ] as const;
  for (const [name, file, extended] of readers) {
    it(`${name}: RSA 2048 generation, signing and a 1.5 KB certificate`, async () => {
      const { session, transport } = await open('yubikey-5.7', 1, file);
      expect(transport.capabilities.extendedApdu).toBe(extended);
      await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
      const rsa = await session.generateKey(0x9a, 'RSA2048', { pinPolicy: 'NEVER' });
      const msg = new TextEncoder().encode('short APDUs only');
      const sig = await session.sign(0x9a, 'RSA2048', digestInfo('SHA-256', await sha('SHA-256', msg)));
      expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', rsa.cryptoKey!, Uint8Array.from(sig), msg)).toBe(true);
      const cert = Uint8Array.from({ length: 1500 }, (_, i) => i & 0xff);
      await session.writeCertificate(0x9a, cert);
      expect(await session.readCertificate(0x9a)).toEqual(cert);
    });
  }
});

describe('PivSession against other profiles', () => {
  it('YubiKey 5.4: 3DES default management key, no Ed25519', async () => {
    const { session } = await open('yubikey-5.4', 7654321);
    expect(await session.getMetadata(0x9b)).toMatchObject({ algorithm: 'TDES', isDefault: true });
    await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES');
    await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES', 'external');
    await expect(session.generateKey(0x9a, 'ED25519')).rejects.toMatchObject({ layer: 'piv' });
  });

  it('a plain PIV card: Yubico extensions NOT_SUPPORTED, 3DES management key', async () => {
    const { session } = await open('piv-generic');
    await expect(session.getMetadata(0x9b)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(session.getSerial()).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES');
    const key = await session.generateKey(0x9e, 'ECCP384');
    expect(key.cryptoKey?.algorithm).toMatchObject({ namedCurve: 'P-384' });
  });
});
