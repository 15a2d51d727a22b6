/**
 * A throwaway self-signed certificate for loopback TLS (the catcher's STARTTLS in tests and the demo),
 * made with @peculiar/x509 over WebCrypto: ECDSA P-256, valid for a day, SAN `localhost` + `127.0.0.1`.
 */
import * as x509 from '@peculiar/x509';

/** PEM certificate and PKCS#8 private key. */
export interface PemPair {
  cert: string;
  key: string;
}

/** PEM-wraps DER bytes (RFC 7468 §2). */
function pem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** Creates a self-signed certificate for `localhost` and `127.0.0.1`. */
export async function createSelfSignedCert(commonName = 'localhost'): Promise<PemPair> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: crypto.getRandomValues(new Uint8Array(8)).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '01'),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 24 * 3600_000),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  return { cert: cert.toString('pem'), key: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}
