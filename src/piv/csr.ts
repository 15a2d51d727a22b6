/**
 * PKCS#10 certificate requests (RFC 2986) signed by a key that never leaves the card. `@peculiar/x509`
 * builds the request; its `Crypto` is replaced by a minimal one whose `exportKey('spki')` returns the
 * card key's SPKI and whose `sign` hashes the to-be-signed bytes and has the card sign them
 * (`PivSession.sign`): RSA gets the DigestInfo, ECDSA the hash (answered as r ‖ s, the WebCrypto form
 * @peculiar/x509 turns back into DER), Ed25519 the message.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import { Pkcs10CertificateRequestGenerator, type Extension, type Pkcs10CertificateRequest } from '@peculiar/x509';
import type { KeyAlgorithm } from './constants';
import { pivError } from './errors';
import { EC_FIELD_BYTES, digestInfo, ecdsaDerToRaw } from './keys';

/** What signs for the CSR: a card key, seen as its algorithm, SPKI and a sign call. */
export interface CardSigner {
  readonly algorithm: KeyAlgorithm;
  readonly spki: Uint8Array;
  /** Signs the prepared input as `PivSession.sign` does (DigestInfo / hash / message). */
  sign(input: Uint8Array): Promise<Uint8Array>;
}

/** A `CardSigner` for the key in `slot` of a session (any object with `PivSession.sign`'s shape). */
export function slotSigner(
  session: { sign(slot: number, algorithm: KeyAlgorithm, input: Uint8Array): Promise<Uint8Array> },
  slot: number,
  algorithm: KeyAlgorithm,
  spki: Uint8Array,
): CardSigner {
  return { algorithm, spki, sign: (input) => session.sign(slot, algorithm, input) };
}

/** The WebCrypto algorithm names @peculiar/x509 maps to signatureAlgorithm OIDs. */
function algorithms(alg: KeyAlgorithm): {
  key: Algorithm & Record<string, unknown>;
  signing: Algorithm & Record<string, unknown>;
  hash?: 'SHA-256' | 'SHA-384';
} {
  if (alg.startsWith('RSA'))
    return {
      key: { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } },
      signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      hash: 'SHA-256',
    };
  if (alg === 'ECCP256')
    return {
      key: { name: 'ECDSA', namedCurve: 'P-256' },
      signing: { name: 'ECDSA', hash: 'SHA-256' },
      hash: 'SHA-256',
    };
  if (alg === 'ECCP384')
    return {
      key: { name: 'ECDSA', namedCurve: 'P-384' },
      signing: { name: 'ECDSA', hash: 'SHA-384' },
      hash: 'SHA-384',
    };
  if (alg === 'ED25519') return { key: { name: 'Ed25519' }, signing: { name: 'Ed25519' } };
  throw pivError('INVALID_ARGUMENT', `${alg} keys cannot sign a certificate request`, { algorithm: alg });
}

/** A stand-in `CryptoKey`: @peculiar/x509 reads only `algorithm` from it. */
function keyHandle(algorithm: Algorithm, type: KeyType): CryptoKey {
  return { algorithm, type, extractable: false, usages: type === 'private' ? ['sign'] : ['verify'] } as CryptoKey;
}

/** The minimal `Crypto` that routes signing to the card. */
function cardCrypto(signer: CardSigner): Crypto {
  const { hash } = algorithms(signer.algorithm);
  const subtle = {
    exportKey: async (format: string) => {
      if (format !== 'spki')
        throw pivError('INVALID_ARGUMENT', `only the SPKI of a card key is available, not ${format}`);
      return Uint8Array.from(signer.spki).buffer;
    },
    sign: async (_alg: unknown, _key: unknown, data: BufferSource) => {
      const tbs =
        data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : Uint8Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (signer.algorithm === 'ED25519') return Uint8Array.from(await signer.sign(tbs)).buffer;
      const digest = new Uint8Array(await crypto.subtle.digest(hash!, tbs));
      if (signer.algorithm.startsWith('RSA'))
        return Uint8Array.from(await signer.sign(digestInfo(hash!, digest))).buffer;
      const der = await signer.sign(digest);
      return Uint8Array.from(ecdsaDerToRaw(der, EC_FIELD_BYTES[signer.algorithm]!)).buffer;
    },
  };
  return {
    subtle,
    getRandomValues: crypto.getRandomValues.bind(crypto),
    randomUUID: crypto.randomUUID.bind(crypto),
  } as unknown as Crypto;
}

/** Options for `createCsr`. */
export interface CsrOptions {
  /** Subject DN, e.g. "CN=Ada Lovelace, O=Contoso". */
  readonly subject: string;
  readonly extensions?: Extension[];
}

/** Builds a PKCS#10 request for the card key behind `signer`; the card signs it (PIN first, per its policy). */
export async function createCsr(signer: CardSigner, options: CsrOptions): Promise<Pkcs10CertificateRequest> {
  const { key, signing } = algorithms(signer.algorithm);
  return Pkcs10CertificateRequestGenerator.create(
    {
      name: options.subject,
      ...(options.extensions ? { extensions: options.extensions } : {}),
      signingAlgorithm: signing,
      keys: { publicKey: keyHandle(key, 'public'), privateKey: keyHandle(key, 'private') },
    },
    cardCrypto(signer),
  );
}
