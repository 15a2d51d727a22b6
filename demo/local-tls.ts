/**
 * A throwaway certificate authority and a `localhost` server certificate for the demo and the tests
 * (the Entra emulator must be https: MSAL refuses an http authority). Generated with WebCrypto and
 * @peculiar/x509; nothing here is ever trusted outside this machine.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** PEM strings for a local CA and a server certificate signed by it. */
export interface LocalTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Whom a {@link createLocalTls} CA and server certificate name. */
export interface TlsNames {
  readonly caName: string;
  readonly subject: string;
  readonly altNames: readonly { readonly type: 'dns' | 'ip'; readonly value: string }[];
}

/** The demo's: localhost, 127.0.0.1 and ::1. */
const LOCALHOST: TlsNames = {
  caName: 'CN=Keyward local demo CA',
  subject: 'CN=localhost',
  altNames: [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ],
};

/** Creates a CA and a certificate for `names` (localhost, 127.0.0.1 and ::1 unless told), valid for `days` days. */
export async function createLocalTls(days = 30, names: TlsNames = LOCALHOST): Promise<LocalTls> {
  const notBefore = new Date(Date.now() - DAY);
  const notAfter = new Date(Date.now() + days * DAY);
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: names.caName,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: names.subject,
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...names.altNames]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { caPem: ca.toString('pem'), certPem: cert.toString('pem'), keyPem: toPem(pkcs8, 'PRIVATE KEY') };
}
