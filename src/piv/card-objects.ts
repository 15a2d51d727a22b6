/**
 * The Card Capability Container and the Discovery object (SP 800-73-4 Part 1 §3.1.1 Table 8, §3.3.2
 * Table 18).
 *
 * CCC (5FC107), contents of 53:
 *   F0 15 card identifier: GSC-RID A0 00 00 01 16, manufacturer id FF, card type 02 (Java Card), 14-byte id
 *   F1 01 capability container version 21    F2 01 capability grammar version 21
 *   F3 00 applications CardURL                F4 01 PKCS#15 00
 *   F5 01 registered data model number 10     F6 00 access control rule table
 *   F7 00 card APDUs   FA 00 redirection tag   FB 00 capability tuples   FC 00 status tuples
 *   FD 00 next CCC     FE 00 error detection code
 *
 * Discovery (7E): 4F 0B PIV AID (A0 00 00 03 08 00 00 10 00 01 00), 5F2F 02 PIN usage policy
 *   (byte 1: b7 PIV PIN, b6 global PIN, b5 OCC, b4 VCI; byte 2: 10 = PIV PIN primary, 20 = global PIN primary).
 */
import { concatBytes, toHex } from '../bytes';
import { decodeTlv, encodeTlvs } from '../apdu/tlv';
import { pivError } from './errors';

const CARD_ID_PREFIX = Uint8Array.of(0xa0, 0x00, 0x00, 0x01, 0x16, 0xff, 0x02);
const e = (tag: number, ...value: number[]) => ({ tag, value: Uint8Array.from(value) });

/** Encodes a CCC with a 14-byte unique card id. */
export function encodeCcc(uniqueId: Uint8Array): Uint8Array {
  if (uniqueId.length !== 14) throw pivError('INVALID_ARGUMENT', `the CCC card id is 14 bytes, not ${uniqueId.length}`);
  return encodeTlvs([
    { tag: 0xf0, value: concatBytes(CARD_ID_PREFIX, uniqueId) },
    e(0xf1, 0x21),
    e(0xf2, 0x21),
    e(0xf3),
    e(0xf4, 0x00),
    e(0xf5, 0x10),
    e(0xf6),
    e(0xf7),
    e(0xfa),
    e(0xfb),
    e(0xfc),
    e(0xfd),
    e(0xfe),
  ]);
}

/** Reads the card identifier (F0) of a CCC, as hex. */
export function decodeCccCardId(contents: Uint8Array): string {
  const id = decodeTlv(contents, { allowPadding: true }).find((t) => t.tag === 0xf0);
  if (!id) throw pivError('RESPONSE_INVALID', 'the CCC lacks its card identifier (F0)');
  return toHex(id.value);
}

/** What the Discovery object says. */
export interface Discovery {
  readonly aid: string;
  readonly pinUsagePolicy: {
    readonly pivPin: boolean;
    readonly globalPin: boolean;
    readonly occ: boolean;
    readonly vci: boolean;
    readonly globalPinPrimary: boolean;
  };
}

/** Decodes the Discovery object's contents (inside 7E). */
export function decodeDiscovery(contents: Uint8Array): Discovery {
  const tlvs = decodeTlv(contents, { allowPadding: true });
  const aid = tlvs.find((t) => t.tag === 0x4f);
  const policy = tlvs.find((t) => t.tag === 0x5f2f);
  if (!aid || !policy || policy.value.length < 2)
    throw pivError('RESPONSE_INVALID', 'the Discovery object lacks its AID or PIN usage policy');
  const [b1, b2] = [policy.value[0]!, policy.value[1]!];
  return {
    aid: toHex(aid.value),
    pinUsagePolicy: {
      pivPin: (b1 & 0x40) !== 0,
      globalPin: (b1 & 0x20) !== 0,
      occ: (b1 & 0x10) !== 0,
      vci: (b1 & 0x08) !== 0,
      globalPinPrimary: b2 === 0x20,
    },
  };
}
