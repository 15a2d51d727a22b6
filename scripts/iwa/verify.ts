/**
 * Checks a signed web bundle the way Chrome does before installing it: split the integrity block from
 * the web bundle (the bundle's length is its last 8 bytes, big-endian), then for each signature rebuild
 * the signed data (SHA-512 of the bundle, the integrity block without signatures, the signature's
 * attributes) and check it with wbn-sign's verifier against the Ed25519 public key in the attributes;
 * the Web Bundle ID must be that key's.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decode, encode } from 'cborg';
import { IntegrityBlock, IntegrityBlockSigner, WebBundleId } from 'wbn-sign';

/** What a verified bundle holds. */
export interface VerifiedBundle {
  readonly webBundleId: string;
  readonly webBundle: Uint8Array;
  readonly publicKeys: readonly KeyObject[];
}

function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

/** Verifies `signed`; throws with the reason when it is not a validly signed bundle for its ID. */
export function verifySignedWebBundle(signed: Uint8Array): VerifiedBundle {
  const length = Number(new DataView(signed.buffer, signed.byteOffset + signed.length - 8, 8).getBigUint64(0));
  if (length <= 0 || length >= signed.length) throw new Error('No integrity block before the web bundle.');
  const webBundle = signed.slice(signed.length - length);
  const [, , attributes, signatures] = decode(signed.slice(0, signed.length - length), { useMaps: true }) as [
    unknown,
    unknown,
    Map<string, unknown>,
    [Map<string, Uint8Array>, Uint8Array][],
  ];
  const webBundleId = attributes.get('webBundleId');
  if (typeof webBundleId !== 'string') throw new Error('The integrity block names no Web Bundle ID.');
  if (!signatures.length) throw new Error('The integrity block holds no signature.');

  const signer = new IntegrityBlockSigner(webBundle, webBundleId, []);
  const unsigned = new IntegrityBlock();
  unsigned.setWebBundleId(webBundleId);
  const publicKeys = signatures.map(([signatureAttributes, signature]) => {
    const raw = signatureAttributes.get('ed25519PublicKey');
    if (!raw) throw new Error('Only Ed25519 signatures are expected.');
    const key = ed25519PublicKey(raw);
    const data = signer.generateDataToBeSigned(
      signer.calcWebBundleHash(),
      unsigned.toCBOR(),
      encode(Object.fromEntries(signatureAttributes)),
    );
    signer.verifySignature(data, signature, key);
    return key;
  });
  if (new WebBundleId(publicKeys[0]!).serialize() !== webBundleId)
    throw new Error('The Web Bundle ID is not the signing key’s.');
  return { webBundleId, webBundle, publicKeys };
}
