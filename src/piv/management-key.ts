/**
 * Card management key (PIV Card Application Administration Key, key reference 9B): authentication with
 * GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4; the challenge–response exchanges of Appendix A.1.2/A.1.3)
 * and Yubico's SET MANAGEMENT KEY.
 *
 * Mutual authentication, P1 = algorithm (03 3DES, 08 AES-128, 0A AES-192, 0C AES-256), P2 = 9B:
 *   1. 00 87 P1 9B 04 7C 02 80 00                      ask for a witness
 *      ← 7C L 80 n E(K, W)                                the witness, enciphered (n = block size)
 *   2. 00 87 P1 9B Lc 7C L 80 n W 81 n C                the deciphered witness + our challenge C
 *      ← 7C L 82 n E(K, C)                                the card proves it knows K too
 * External (one-way) authentication:
 *   1. 00 87 P1 9B 04 7C 02 81 00  ← 7C L 81 n C       the card's challenge
 *   2. 00 87 P1 9B Lc 7C L 82 n E(K, C)  ← 9000
 *
 * SET MANAGEMENT KEY (Yubico PIV extension, docs.yubico.com "Set management key"):
 *   00 FF FF P2 Lc alg 9B L key        P2 FF = no touch, FE = touch required, FD = touch cached
 */
import { concatBytes } from '../bytes';
import type { CommandApdu } from '../apdu/command';
import { decodeTlv, encodeTlv, encodeTlvs } from '../apdu/tlv';
import { okData, pivApdu, type PivCommand } from './command';
import { ALGORITHM, KEY_REF, MANAGEMENT_KEY_SIZES, PIV_INS, type ManagementKeyAlgorithm } from './constants';
import { pivError } from './errors';

/** Reads the dynamic authentication template 7C and the element `tag` inside it. */
export function readAuthTemplate(data: Uint8Array, tag: number): Uint8Array {
  const outer = decodeTlv(data)[0];
  if (!outer || outer.tag !== 0x7c)
    throw pivError('RESPONSE_INVALID', 'GENERAL AUTHENTICATE answered without a 7C template');
  const inner = decodeTlv(outer.value).find((t) => t.tag === tag);
  if (!inner) throw pivError('RESPONSE_INVALID', `the 7C template lacks element ${tag.toString(16)}`);
  return inner.value;
}

type AuthElements = readonly { tag: number; value: Uint8Array }[];

/** Builds 7C { elements } for GENERAL AUTHENTICATE (Part 2 §3.2.4, Table 7). */
export function authTemplate(elements: AuthElements): Uint8Array {
  return encodeTlv(0x7c, encodeTlvs(elements));
}

const empty = new Uint8Array(0);

function checkBlock(algorithm: ManagementKeyAlgorithm, b: Uint8Array): Uint8Array {
  if (b.length !== MANAGEMENT_KEY_SIZES[algorithm].blockSize)
    throw pivError(
      'RESPONSE_INVALID',
      `a ${algorithm} block is ${MANAGEMENT_KEY_SIZES[algorithm].blockSize} bytes, not ${b.length}`,
    );
  return b;
}

/** GENERAL AUTHENTICATE against key 9B with the algorithm in P1; `le` when the card answers with data. */
function authenticateApdu(algorithm: ManagementKeyAlgorithm, elements: AuthElements, le?: number): CommandApdu {
  const data = authTemplate(elements);
  return pivApdu(
    PIV_INS.GENERAL_AUTHENTICATE,
    ALGORITHM[algorithm],
    KEY_REF.MANAGEMENT,
    le === undefined ? { data } : { data, le },
  );
}

/** Mutual authentication step 1: ask for the enciphered witness. */
export const requestWitness: PivCommand<ManagementKeyAlgorithm, Uint8Array> = {
  operation: 'authenticate-management',
  getApdu: (algorithm) => authenticateApdu(algorithm, [{ tag: 0x80, value: empty }], 256),
  parseResponse: (r) => readAuthTemplate(okData(r, 'authenticate-management'), 0x80),
};

/** Mutual authentication step 2: the deciphered witness and our challenge; returns the card's E(K, C). */
export const answerWitness: PivCommand<
  { algorithm: ManagementKeyAlgorithm; witness: Uint8Array; challenge: Uint8Array },
  Uint8Array
> = {
  operation: 'authenticate-management',
  getApdu: ({ algorithm, witness, challenge }) =>
    authenticateApdu(
      algorithm,
      [
        { tag: 0x80, value: checkBlock(algorithm, witness) },
        { tag: 0x81, value: checkBlock(algorithm, challenge) },
      ],
      256,
    ),
  parseResponse: (r) => readAuthTemplate(okData(r, 'authenticate-management'), 0x82),
};

/** External authentication step 1: ask for the card's challenge. */
export const requestChallenge: PivCommand<ManagementKeyAlgorithm, Uint8Array> = {
  operation: 'authenticate-management',
  getApdu: (algorithm) => authenticateApdu(algorithm, [{ tag: 0x81, value: empty }], 256),
  parseResponse: (r) => readAuthTemplate(okData(r, 'authenticate-management'), 0x81),
};

/** External authentication step 2: the enciphered challenge. */
export const answerChallenge: PivCommand<{ algorithm: ManagementKeyAlgorithm; response: Uint8Array }, void> = {
  operation: 'authenticate-management',
  getApdu: ({ algorithm, response }) =>
    authenticateApdu(algorithm, [{ tag: 0x82, value: checkBlock(algorithm, response) }]),
  parseResponse: (r) => void okData(r, 'authenticate-management'),
};

/** Touch requirement for a new management key (SET MANAGEMENT KEY P2). */
export type ManagementKeyTouch = 'never' | 'always' | 'cached';
const TOUCH_P2: Record<ManagementKeyTouch, number> = { never: 0xff, always: 0xfe, cached: 0xfd };

/** Yubico SET MANAGEMENT KEY: `alg ‖ 9B ‖ len ‖ key`; needs a prior management-key authentication. */
export const setManagementKey: PivCommand<
  { algorithm: ManagementKeyAlgorithm; key: Uint8Array; touch?: ManagementKeyTouch },
  void
> = {
  operation: 'set-management-key',
  getApdu: ({ algorithm, key, touch }) => {
    const { keyLength } = MANAGEMENT_KEY_SIZES[algorithm];
    if (key.length !== keyLength)
      throw pivError('INVALID_ARGUMENT', `a ${algorithm} management key is ${keyLength} bytes, not ${key.length}`);
    return pivApdu(PIV_INS.YK_SET_MANAGEMENT_KEY, 0xff, TOUCH_P2[touch ?? 'never'], {
      data: concatBytes(Uint8Array.of(ALGORITHM[algorithm]), encodeTlv(KEY_REF.MANAGEMENT, key)),
    });
  },
  parseResponse: (r) => void okData(r, 'set-management-key'),
};

/** The default YubiKey management key, 01 02 … 08 three times (3DES before firmware 5.7, AES-192 from 5.7). */
export const DEFAULT_MANAGEMENT_KEY: Uint8Array = Uint8Array.from({ length: 24 }, (_, i) => (i % 8) + 1);
