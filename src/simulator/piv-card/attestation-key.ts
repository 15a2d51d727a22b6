/**
 * The factory attestation key (slot F9) and its CA certificate (object 5FFF01), as a YubiKey ships.
 * The object holds the certificate the way PIV certificate objects do (SP 800-73-4 Part 1 Appendix A,
 * Table 9 etc.): 70 <certificate> 71 00 (CertInfo: not compressed) FE 00 (error detection code).
 */
import { concatBytes } from '../../bytes';
import { tlv } from './ber';
import type { CardState } from './card-state';
import { attestationCaCertificate } from './attestation';
import { KEY_REF, OBJECT_TAG, PIN_POLICY, TOUCH_POLICY } from './data-objects';
import { KEY_ALGORITHM, generateEcKey } from './slot-key';

/** Puts a P-256 attestation key in F9 and its self-signed certificate in 5FFF01. */
export function installAttestationKey(state: CardState): void {
  const key = generateEcKey(KEY_ALGORITHM.ECCP256, state.random);
  state.slots.set(KEY_REF.ATTESTATION, {
    algorithm: KEY_ALGORITHM.ECCP256,
    key,
    pinPolicy: PIN_POLICY.NEVER,
    touchPolicy: TOUCH_POLICY.NEVER,
    origin: 2,
  });
  const cert = attestationCaCertificate(key, state.serial, state.random);
  state.objects.set(OBJECT_TAG.YUBICO_ATTESTATION_CERT, concatBytes(tlv(0x70, cert), tlv(0x71, [0x00]), tlv(0xfe)));
}
