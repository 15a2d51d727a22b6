/**
 * YubiKey PIV extensions (docs.yubico.com, YubiKey SDK user's manual "PIV commands" / APDU pages):
 *
 *   GET VERSION      00 FD 00 00          ← major minor patch
 *   GET SERIAL       00 F8 00 00          ← 4-byte big-endian serial (firmware 5+)
 *   GET METADATA     00 F7 00 P2          P2 = slot, 9B, 80 (PIN) or 81 (PUK) (firmware 5.3+)
 *     ← 01 alg | 02 pin-policy touch-policy | 03 origin (1 generated, 2 imported) | 04 public key
 *       (81/82 or 86, as public-key.ts) | 05 is-default (01) | 06 total-tries remaining-tries
 *   SET PIN RETRIES  00 FA pin puk        needs management key + PIN; resets PIN and PUK to defaults
 *   ATTEST           00 F9 slot 00        ← X.509 attestation certificate (DER)
 *   RESET            00 FB 00 00          only when PIN and PUK are both blocked
 */
import { decodeTlv } from '../apdu/tlv';
import { okData, pivApdu, type PivCommand } from './command';
import {
  PIN_POLICY,
  PIV_INS,
  TOUCH_POLICY,
  algorithmName,
  isKeySlot,
  type KeyAlgorithm,
  type PinPolicy,
  type TouchPolicy,
} from './constants';
import { pivError } from './errors';
import { parseCardPublicKey, type CardPublicKey } from './public-key';

/** Firmware version. */
export interface FirmwareVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** `a` is at least `b`. */
export function versionAtLeast(a: FirmwareVersion, major: number, minor = 0, patch = 0): boolean {
  return a.major !== major ? a.major > major : a.minor !== minor ? a.minor > minor : a.patch >= patch;
}

/** GET VERSION. */
export const getVersion: PivCommand<void, FirmwareVersion> = {
  operation: 'get-version',
  getApdu: () => pivApdu(PIV_INS.YK_GET_VERSION, 0x00, 0x00, { le: 256 }),
  parseResponse(r) {
    const d = okData(r, 'get-version');
    if (d.length < 3) throw pivError('RESPONSE_INVALID', 'GET VERSION answered fewer than 3 bytes');
    return { major: d[0]!, minor: d[1]!, patch: d[2]! };
  },
};

/** GET SERIAL. */
export const getSerial: PivCommand<void, number> = {
  operation: 'get-serial',
  getApdu: () => pivApdu(PIV_INS.YK_GET_SERIAL, 0x00, 0x00, { le: 256 }),
  parseResponse(r) {
    const d = okData(r, 'get-serial');
    if (d.length !== 4) throw pivError('RESPONSE_INVALID', 'GET SERIAL answered other than 4 bytes');
    return ((d[0]! << 24) >>> 0) + (d[1]! << 16) + (d[2]! << 8) + d[3]!;
  },
};

/** Parsed GET METADATA. Fields are present only when the card sent them. */
export interface SlotMetadata {
  /** Algorithm identifier (tag 01); FF for a PIN or PUK. */
  readonly algorithmId: number;
  readonly algorithm?: string;
  readonly pinPolicy?: PinPolicy;
  readonly touchPolicy?: TouchPolicy;
  readonly origin?: 'generated' | 'imported';
  readonly publicKey?: CardPublicKey;
  readonly isDefault?: boolean;
  readonly retries?: { readonly total: number; readonly remaining: number };
}

const policyName = <T extends Record<string, number>>(table: T, v: number) =>
  (Object.keys(table) as (keyof T & string)[]).find((k) => table[k] === v);

/** Parses the TLVs of a GET METADATA response. */
export function parseMetadata(data: Uint8Array): SlotMetadata {
  const tlvs = decodeTlv(data);
  const get = (tag: number) => tlvs.find((t) => t.tag === tag)?.value;
  const alg = get(0x01);
  if (!alg || alg.length !== 1) throw pivError('RESPONSE_INVALID', 'GET METADATA answered without an algorithm (01)');
  const algorithm = algorithmName(alg[0]!);
  const policy = get(0x02);
  const origin = get(0x03);
  const pub = get(0x04);
  const def = get(0x05);
  const retries = get(0x06);
  const pinPolicy = policy && policy.length >= 1 ? policyName(PIN_POLICY, policy[0]!) : undefined;
  const touchPolicy = policy && policy.length >= 2 ? policyName(TOUCH_POLICY, policy[1]!) : undefined;
  const isAsymmetric = algorithm !== undefined && !['TDES', 'AES128', 'AES192', 'AES256'].includes(algorithm);
  return {
    algorithmId: alg[0]!,
    ...(algorithm ? { algorithm } : {}),
    ...(pinPolicy ? { pinPolicy } : {}),
    ...(touchPolicy ? { touchPolicy } : {}),
    ...(origin?.length ? { origin: origin[0] === 1 ? 'generated' : 'imported' } : {}),
    ...(pub && isAsymmetric ? { publicKey: parseCardPublicKey(algorithm as KeyAlgorithm, pub) } : {}),
    ...(def?.length ? { isDefault: def[0] === 1 } : {}),
    ...(retries && retries.length >= 2 ? { retries: { total: retries[0]!, remaining: retries[1]! } } : {}),
  };
}

/** GET METADATA for a slot, 9B (management key), 80 (PIN) or 81 (PUK). */
export const getMetadata: PivCommand<number, SlotMetadata> = {
  operation: 'get-metadata',
  getApdu: (ref) => {
    if (!isKeySlot(ref) && ![0x9b, 0x80, 0x81, 0xf9].includes(ref))
      throw pivError('INVALID_ARGUMENT', `no metadata for reference ${ref.toString(16)}`);
    return pivApdu(PIV_INS.YK_GET_METADATA, 0x00, ref, { le: 256 });
  },
  parseResponse: (r) => parseMetadata(okData(r, 'get-metadata')),
};

/** SET PIN RETRIES: P1 PIN tries, P2 PUK tries (1..255). */
export const setPinRetries: PivCommand<{ pinTries: number; pukTries: number }, void> = {
  operation: 'set-pin-retries',
  getApdu: ({ pinTries, pukTries }) => {
    for (const n of [pinTries, pukTries])
      if (!Number.isInteger(n) || n < 1 || n > 255) throw pivError('INVALID_ARGUMENT', 'retry counts must be 1..255');
    return pivApdu(PIV_INS.YK_SET_PIN_RETRIES, pinTries, pukTries);
  },
  parseResponse: (r) => void okData(r, 'set-pin-retries'),
};

/** ATTEST: the attestation certificate (DER) of a key generated in `slot`. */
export const attest: PivCommand<number, Uint8Array> = {
  operation: 'attest',
  getApdu: (slot) => {
    if (!isKeySlot(slot)) throw pivError('INVALID_ARGUMENT', `slot ${slot.toString(16)} is not a key slot`);
    return pivApdu(PIV_INS.YK_ATTEST, slot, 0x00, { le: 0 });
  },
  parseResponse: (r) => okData(r, 'attest'),
};

/** RESET of the PIV application (only accepted once PIN and PUK are blocked). */
export const resetPiv: PivCommand<void, void> = {
  operation: 'reset',
  getApdu: () => pivApdu(PIV_INS.YK_RESET, 0x00, 0x00),
  parseResponse: (r) => void okData(r, 'reset'),
};
