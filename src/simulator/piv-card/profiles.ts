/**
 * Card profiles: what differs between a YubiKey 5 (firmware 5.4.3 or 5.7.x) and a plain PIV card.
 *
 * ATRs (ISO 7816-3 §8; both listed in pcsc-tools' smartcard_list.txt):
 *   YubiKey 5 NFC:  3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40
 *                   TA1 13, TD1 81 → T=1, TD2 31 → TA3 FE (IFSC 254), TB3 15; historicals
 *                   80 73 C0 21 C0 57 "YubiKey"; TCK 40
 *   NIST demo PIV:  3B 8F 80 01 80 73 CC 91 CB F9 A0 00 00 03 08 00 00 10 00 29
 *                   TD1 80, TD2 01 → T=1; historicals carry the PIV AID; TCK 29
 *   YubiKey 4:      3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4 ("Yubikey4"; TCK D4)
 *   YubiKey NEO:    3B FC 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 4E 45 4F 72 33 E1 ("YubikeyNEOr3"; TCK E1)
 *
 * The older and the foreign shapes of the fleet (issue 16), by Yubico's version gates (yubikit piv.py):
 * GET SERIAL from 5.0, ATTEST from 4.3, GET METADATA from 5.3, AES management keys from 5.4, MOVE KEY and
 * AES-192 as the factory key from 5.7; the NEO's PIV applet answers GET VERSION with its own 1.0.x.
 * `piv-partial` is another vendor's PIV applet copying part of Yubico's extensions, as one met in the
 * field: it answers GET VERSION 5.7.0, GET SERIAL 0 and GET METADATA, its SET MANAGEMENT KEY takes 3DES
 * only (6A80 for AES), it lists its algorithms in SELECT (no RSA-1024) and has no RESET or ATTEST.
 */
import { fromHex } from '../../bytes';
import { KEY_ALGORITHM } from './slot-key';
import { MGMT_ALGORITHM } from './mgmt-cipher';

/** Profile names accepted by `createVirtualPivCard`. */
export type PivCardProfileName =
  'yubikey-neo' | 'yubikey-4' | 'yubikey-5.2' | 'yubikey-5.4' | 'yubikey-5.7' | 'piv-generic' | 'piv-partial';

/** What a profile fixes. */
export interface PivCardProfile {
  readonly name: PivCardProfileName;
  readonly atr: Uint8Array;
  /** Firmware version (GET VERSION), or null when the card has no Yubico extensions. */
  readonly version: readonly [number, number, number] | null;
  readonly defaultMgmtAlgorithm: number;
  readonly mgmtAlgorithms: readonly number[];
  readonly keyAlgorithms: readonly number[];
  /** The Yubico instructions it answers, when not every one its firmware has (dispatch.ts). */
  readonly yubicoInstructions?: readonly number[];
  /** Lists its key algorithms in SELECT (tag AC) although it answers GET VERSION; YubiKeys do not. */
  readonly listsAlgorithms?: boolean;
  /** What GET SERIAL answers whatever serial the card was made with. */
  readonly fixedSerial?: number;
}

const YUBIKEY_ATR = fromHex('3BFD1300008131FE158073C021C057597562694B657940');
const PIV_ATR = fromHex('3B8F80018073CC91CBF9A00000030800001000 29');
const YUBIKEY_4_ATR = fromHex('3BF81300008131FE15597562696B657934D4');
const YUBIKEY_NEO_ATR = fromHex('3BFC1300008131FE15597562696B65794E454F7233E1');
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

/** Yubico's instructions (dispatch.ts INS): F7 GET METADATA, F8 GET SERIAL, F9 ATTEST, FA SET PIN RETRIES, FB RESET, FD GET VERSION, FE IMPORT KEY, FF SET MANAGEMENT KEY. */
const BEFORE_SERIAL = [0xfa, 0xfb, 0xfd, 0xfe, 0xff];
const CLASSIC_KEYS = [K.RSA1024, K.RSA2048, K.ECCP256, K.ECCP384];

/** A YubiKey before 5.4: 3DES management key only, no GET METADATA, the instructions of its firmware. */
function olderYubikey(
  name: PivCardProfileName,
  atr: Uint8Array,
  version: readonly [number, number, number],
  keyAlgorithms: readonly number[],
  yubicoInstructions: readonly number[],
): PivCardProfile {
  return {
    name,
    atr,
    version,
    defaultMgmtAlgorithm: M.TDES,
    mgmtAlgorithms: [M.TDES],
    keyAlgorithms,
    yubicoInstructions,
  };
}

/** The profiles; firmware 5.7 also made AES-192 the default management-key algorithm. */
export const PROFILES: Readonly<Record<PivCardProfileName, PivCardProfile>> = {
  'yubikey-neo': olderYubikey(
    'yubikey-neo',
    YUBIKEY_NEO_ATR,
    [1, 0, 4],
    [K.RSA1024, K.RSA2048, K.ECCP256],
    BEFORE_SERIAL,
  ),
  'yubikey-4': olderYubikey('yubikey-4', YUBIKEY_4_ATR, [4, 3, 7], CLASSIC_KEYS, [...BEFORE_SERIAL, 0xf9]),
  'yubikey-5.2': olderYubikey('yubikey-5.2', YUBIKEY_ATR, [5, 2, 7], CLASSIC_KEYS, [...BEFORE_SERIAL, 0xf8, 0xf9]),
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
  'piv-partial': {
    name: 'piv-partial',
    atr: PIV_ATR,
    version: [5, 7, 0],
    defaultMgmtAlgorithm: M.TDES,
    mgmtAlgorithms: [M.TDES],
    keyAlgorithms: [K.RSA2048, K.ECCP256, K.ECCP384],
    yubicoInstructions: [0xf7, 0xf8, 0xfd, 0xff],
    listsAlgorithms: true,
    fixedSerial: 0,
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
