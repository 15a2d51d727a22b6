/**
 * Yubico PIV attestation (INS F9; developers.yubico.com "PIV attestation"): the attestation key in slot
 * F9 signs an X.509 certificate for a key generated on the card. The certificate carries Yubico's
 * extensions under 1.3.6.1.4.1.41482.3:
 *   .3 firmware version (3 bytes)  .7 serial (INTEGER)  .8 PIN and touch policy (2 bytes)  .9 form factor
 * The virtual card's F9 key is P-256 (real YubiKeys use RSA 2048) so the card stays small and fast; the
 * CA certificate is self-signed and stored in object 5FFF01 as ykman expects.
 */
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../../bytes';
import { bytesToBigInt, type RandomSource } from './bytes';
import { bitString, commonName, explicit, integer, octetString, oid, seq, subjectPublicKeyInfo, time } from './der';
import type { KeyMaterial } from './slot-key';

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const YUBICO = '1.3.6.1.4.1.41482.3';

/** What goes into a certificate. */
interface CertificateFields {
  readonly subject: string;
  readonly issuer: string;
  readonly subjectKey: KeyMaterial;
  readonly signer: Uint8Array;
  readonly extensions: readonly Uint8Array[];
  readonly random: RandomSource;
  readonly ca: boolean;
}

function extension(id: string, value: Uint8Array, critical = false): Uint8Array {
  return critical
    ? seq(oid(id), Uint8Array.of(0x01, 0x01, 0xff), octetString(value))
    : seq(oid(id), octetString(value));
}

function makeCertificate(f: CertificateFields): Uint8Array {
  const serial = f.random(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const now = new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1));
  const exts = f.ca
    ? [...f.extensions, extension('2.5.29.19', seq(Uint8Array.of(0x01, 0x01, 0xff)), true)]
    : f.extensions;
  const tbs = seq(
    explicit(0, integer(2n)),
    integer(bytesToBigInt(serial)),
    ECDSA_SHA256,
    commonName(f.issuer),
    seq(time(now), time(new Date(Date.UTC(2099, 11, 31, 23, 59, 59)))),
    commonName(f.subject),
    subjectPublicKeyInfo(f.subjectKey),
    explicit(3, seq(...exts)),
  );
  const signature = p256.sign(sha256(tbs), f.signer, { prehash: false, format: 'der' });
  return seq(tbs, ECDSA_SHA256, bitString(signature));
}

/** The attestation CA certificate for the F9 key (self-signed). */
export function attestationCaCertificate(
  f9: KeyMaterial & { kind: 'ec' },
  serial: number,
  random: RandomSource,
): Uint8Array {
  const name = `Keyward Virtual PIV Attestation ${serial}`;
  return makeCertificate({
    subject: name,
    issuer: name,
    subjectKey: f9,
    signer: f9.secret,
    extensions: [],
    random,
    ca: true,
  });
}

/** What the attestation statement says about the attested key. */
export interface AttestedFacts {
  readonly slot: number;
  readonly key: KeyMaterial;
  readonly pinPolicy: number;
  readonly touchPolicy: number;
  readonly version: readonly [number, number, number];
  readonly serial: number;
}

/** The attestation certificate for a generated key, signed by the F9 key. */
export function attestationCertificate(
  facts: AttestedFacts,
  f9: KeyMaterial & { kind: 'ec' },
  random: RandomSource,
): Uint8Array {
  const slotHex = toHex([facts.slot], { lower: true });
  return makeCertificate({
    subject: `YubiKey PIV Attestation ${slotHex}`,
    issuer: `Keyward Virtual PIV Attestation ${facts.serial}`,
    subjectKey: facts.key,
    signer: f9.secret,
    extensions: [
      extension(`${YUBICO}.3`, Uint8Array.from(facts.version)),
      extension(`${YUBICO}.7`, integer(BigInt(facts.serial))),
      extension(`${YUBICO}.8`, Uint8Array.of(facts.pinPolicy, facts.touchPolicy)),
      extension(`${YUBICO}.9`, Uint8Array.of(0x01)),
    ],
    random,
    ca: false,
  });
}
