/**
 * The CSR assembly with a stand-in card key: @noble/curves signs the hash exactly as a PIV card's ECDSA
 * does (no hashing of its own, DER answer). The real card path runs in session.integration.test.ts.
 */
import 'reflect-metadata';
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import { p256, p384 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { createCsr, type CardSigner } from './csr';
import { toSpki } from './public-key';

describe('createCsr', () => {
  it('P-256: the request carries the card key and a signature that verifies', async () => {
    const sk = p256.utils.randomSecretKey();
    const inputs: Uint8Array[] = [];
    const signer: CardSigner = {
      algorithm: 'ECCP256',
      spki: toSpki({ algorithm: 'ECCP256', point: p256.getPublicKey(sk, false) }),
      sign: async (hash) => (inputs.push(hash), p256.sign(hash, sk, { prehash: false, format: 'der' })),
    };
    const csr = await createCsr(signer, { subject: 'CN=Ada Lovelace, O=Contoso' });
    const parsed = new Pkcs10CertificateRequest(csr.rawData);
    expect(parsed.subject).toBe('CN=Ada Lovelace, O=Contoso');
    expect(parsed.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(new Uint8Array(parsed.publicKey.rawData)).toEqual(signer.spki);
    expect(await parsed.verify()).toBe(true);
    expect(inputs[0]!.length).toBe(32); // the card got the SHA-256 hash, not the message
  });

  it('P-384 uses SHA-384; Ed25519 signs the to-be-signed bytes themselves', async () => {
    const sk = p384.utils.randomSecretKey();
    const p384Csr = await createCsr(
      {
        algorithm: 'ECCP384',
        spki: toSpki({ algorithm: 'ECCP384', point: p384.getPublicKey(sk, false) }),
        sign: async (h) => p384.sign(h, sk, { prehash: false, format: 'der' }),
      },
      { subject: 'CN=p384' },
    );
    expect(await new Pkcs10CertificateRequest(p384Csr.rawData).verify()).toBe(true);
    const edSk = ed25519.utils.randomSecretKey();
    const edCsr = await createCsr(
      {
        algorithm: 'ED25519',
        spki: toSpki({ algorithm: 'ED25519', point: ed25519.getPublicKey(edSk) }),
        sign: async (m) => ed25519.sign(m, edSk),
      },
      { subject: 'CN=ed' },
    );
    expect(await new Pkcs10CertificateRequest(edCsr.rawData).verify()).toBe(true);
  });

  it('refuses X25519 (a key-agreement key)', async () => {
    await expect(
      createCsr(
        { algorithm: 'X25519', spki: new Uint8Array(0), sign: async () => new Uint8Array(0) },
        { subject: 'CN=x' },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
