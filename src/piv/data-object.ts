/**
 * GET DATA and PUT DATA of PIV data objects (SP 800-73-4 Part 2 §3.1.2, §3.3.2; tags from Part 1
 * Table 3).
 *
 *   GET DATA  00 CB 3F FF Lc 5C L tag Le 00           P1P2 3FFF = current DF; 5C = tag list
 *     response 53 L value                             (Discovery: 7E L value)
 *   PUT DATA  00 DB 3F FF Lc 5C L tag 53 L value      (Discovery: 7E L value, no tag list)
 *
 * Long objects (certificates) go out with command chaining and come back with 61xx, both handled by
 * `ApduChannel`.
 */
import { decodeTlv, encodeTlv, encodeTlvs } from '../apdu/tlv';
import { okData, pivApdu, type PivCommand } from './command';
import { OBJECT_TAG, PIV_INS, isKeySlot } from './constants';
import { pivError } from './errors';

/** Tag bytes, big-endian (0x5FC102 → 5F C1 02). */
function tagBytes(tag: number): Uint8Array {
  const out: number[] = [];
  for (let t = tag; t > 0; t = Math.floor(t / 256)) out.unshift(t % 256);
  return Uint8Array.from(out);
}

/** The certificate object's tag for a key slot (Part 1 Table 3 and Table 4b: retired 82..95 → 5FC10D..5FC120). */
export function certificateObjectTag(slot: number): number {
  if (!isKeySlot(slot)) throw pivError('INVALID_ARGUMENT', `slot ${slot.toString(16)} holds no certificate`, { slot });
  const fixed: Record<number, number> = {
    0x9a: OBJECT_TAG.CERT_9A,
    0x9c: OBJECT_TAG.CERT_9C,
    0x9d: OBJECT_TAG.CERT_9D,
    0x9e: OBJECT_TAG.CERT_9E,
  };
  return fixed[slot] ?? 0x5fc10d + (slot - 0x82);
}

/** GET DATA for one object; resolves with the contents of its 53 (or 7E) wrapper. 6A82 → `NOT_FOUND`. */
export const getData: PivCommand<number, Uint8Array> = {
  operation: 'get-data',
  getApdu: (tag) => pivApdu(PIV_INS.GET_DATA, 0x3f, 0xff, { data: encodeTlv(0x5c, tagBytes(tag)), le: 0 }),
  parseResponse(r) {
    const data = okData(r, 'get-data');
    const outer = decodeTlv(data, { allowPadding: true })[0];
    if (!outer || (outer.tag !== 0x53 && outer.tag !== 0x7e)) {
      throw pivError('RESPONSE_INVALID', 'GET DATA answered without a 53 or 7E data object');
    }
    return outer.value;
  },
};

/** PUT DATA of one object (`value` is the content inside 53, or inside 7E for Discovery). */
export const putData: PivCommand<{ tag: number; value: Uint8Array }, void> = {
  operation: 'put-data',
  getApdu: ({ tag, value }) =>
    pivApdu(PIV_INS.PUT_DATA, 0x3f, 0xff, {
      data:
        tag === OBJECT_TAG.DISCOVERY
          ? encodeTlv(0x7e, value)
          : encodeTlvs([
              { tag: 0x5c, value: tagBytes(tag) },
              { tag: 0x53, value },
            ]),
    }),
  parseResponse: (r) => void okData(r, 'put-data'),
};
