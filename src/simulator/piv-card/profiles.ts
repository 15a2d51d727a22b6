/**
 * Card profiles: what differs between a YubiKey 5 (firmware 5.4.3 or 5.7.x) and a plain PIV card.
 *
 * ATRs (ISO 7816-3 §8; both listed in pcsc-tools' smartcard_list.txt):
 *   YubiKey 5 NFC:  3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40
 *                   TA1 13, TD1 81 → T=1, TD2 31 → TA3 FE (IFSC 254), TB3 15; historicals
 *                   80 73 C0 21 C0 57 "YubiKey"; TCK 40
 *   NIST demo PIV:  3B 8F 80 01 80 73 CC 91 CB F9 A0 00 00 03 08 00 00 10 00 29
 *                   TD1 80, TD2 01 → T=1; historicals carry the PIV AID; TCK 29
 */
import { fromHex } from '../../bytes';
import { KEY_ALGORITHM } from './slot-key';
import { MGMT_ALGORITHM } from './mgmt-cipher';

/** Profile names accepted by `createVirtualPivCard`. */
export type PivCardProfileName = 'yubikey-5.4' | 'yubikey-5.7' | 'piv-generic';

/** What a profile fixes. */
export interface PivCardProfile {
  readonly name: PivCardProfileName;
  readonly atr: Uint8Array;
  /** Firmware version (GET VERSION), or null when the card has no Yubico extensions. */
  readonly version: readonly [number, number, number] | null;
  readonly defaultMgmtAlgorithm: number;
  readonly mgmtAlgorithms: readonly number[];
  readonly keyAlgorithms: readonly number[];
}

const YUBIKEY_ATR = fromHex('3BFD1300008131FE158073C021C057597562694B657940');
const PIV_ATR = fromHex('3B8F80018073CC91CBF9A00000030800001000 29');
const K = KEY_ALGORITHM;
const M = MGMT_ALGORITHM;

/** A YubiKey 5: the YubiKey ATR and all four management-key algorithms; firmware decides the rest. */
function yubikey(
  name: PivCardProfileName,
  version: readonly [number, number, number],
  defaultMgmtAlgorithm: number,
  keyAlgorithms: readonly number[],
): PivCardProfile {
  const mgmtAlgorithms = [M.TDES, M.AES128, M.AES192, M.AES256];
  return { name, atr: YUBIKEY_ATR, version, defaultMgmtAlgorithm, mgmtAlgorithms, keyAlgorithms };
}

/** Firmware 5.7 added RSA 3072/4096, Ed25519 and X25519 (in SELECT's algorithm list order). */
const YUBIKEY_5_7_KEYS = [K.RSA1024, K.RSA2048, K.RSA3072, K.RSA4096, K.ECCP256, K.ECCP384, K.ED25519, K.X25519];

/** The profiles; firmware 5.7 also made AES-192 the default management-key algorithm. */
export const PROFILES: Readonly<Record<PivCardProfileName, PivCardProfile>> = {
  'yubikey-5.4': yubikey('yubikey-5.4', [5, 4, 3], M.TDES, [K.RSA1024, K.RSA2048, K.ECCP256, K.ECCP384]),
  'yubikey-5.7': yubikey('yubikey-5.7', [5, 7, 2], M.AES192, YUBIKEY_5_7_KEYS),
  'piv-generic': {
    name: 'piv-generic',
    atr: PIV_ATR,
    version: null,
    defaultMgmtAlgorithm: M.TDES,
    mgmtAlgorithms: [M.TDES],
    keyAlgorithms: [K.RSA2048, K.ECCP256, K.ECCP384],
  },
};

/** Factory defaults (Yubico): PIN 123456, PUK 12345678 (FF-padded to 8), management key 0102…08 ×3. */
export const DEFAULTS = {
  PIN: fromHex('313233343536FFFF'),
  PUK: fromHex('3132333435363738'),
  MGMT_KEY: fromHex('010203040506070801020304050607080102030405060708'),
  PIN_RETRIES: 3,
  PUK_RETRIES: 3,
} as const;
