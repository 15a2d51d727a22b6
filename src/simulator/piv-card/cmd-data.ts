/**
 * GET DATA and PUT DATA (SP 800-73-4 Part 2 §3.1.2 and §3.3.1).
 *
 *   GET DATA  00 CB 3F FF Lc 5C len <tag>                  → 53 len <object> 9000 (Discovery: 7E len …)
 *   PUT DATA  00 DB 3F FF Lc 5C len <tag> 53 len <object>  (management key required; empty 53 deletes)
 *             00 DB 3F FF Lc 7E len <discovery>            is refused: the Discovery Object is fixed.
 */
import { concatBytes } from '../../bytes';
import { parseTlvs, tlv, tlvValue } from './ber';
import { bytesToBigInt } from './bytes';
import { CARD_SW, ok, status, type CardCommand, type CardReply } from './card-apdu';
import type { CardState } from './card-state';
import { OBJECT_TAG, isKnownObject, readNeedsPin } from './data-objects';

/** PIV card application AID (SP 800-73-4 Part 1 §2.2): RID A0 00 00 03 08, PIX 00 00 10 00 01 00. */
export const PIV_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00);

/**
 * Discovery Object (Part 1 §3.3.2): 4F AID; 5F2F PIN usage policy 40 00 = PIV Card Application PIN
 * only, no global PIN.
 */
const DISCOVERY = tlv(OBJECT_TAG.DISCOVERY, concatBytes(tlv(0x4f, PIV_AID), tlv(0x5f2f, [0x40, 0x00])));

/** Largest object the card stores (the YubiKey 5's limit for one object, 3052 bytes, rounded up). */
const MAX_OBJECT = 3072;

function objectTag(c: CardCommand): number | null {
  if (c.p1 !== 0x3f || c.p2 !== 0xff) return null;
  const parsed = parseTlvs(c.data);
  const id = parsed && tlvValue(parsed, 0x5c);
  return id && id.length >= 1 && id.length <= 3 ? Number(bytesToBigInt(id)) : null;
}

/** GET DATA (INS CB). */
export function getData(state: CardState, c: CardCommand): CardReply {
  if (c.p1 !== 0x3f || c.p2 !== 0xff) return status(CARD_SW.INCORRECT_P1P2);
  const tag = objectTag(c);
  const yubico = state.profile.version !== null;
  if (tag === null) return status(CARD_SW.INCORRECT_DATA);
  if (tag === OBJECT_TAG.DISCOVERY) return ok(DISCOVERY);
  if (!isKnownObject(tag, yubico)) return status(CARD_SW.FILE_NOT_FOUND);
  if (readNeedsPin(tag) && !state.security.pinVerified) return status(CARD_SW.SECURITY_STATUS_NOT_SATISFIED);
  const value = state.objects.get(tag);
  return value ? ok(tlv(0x53, value)) : status(CARD_SW.FILE_NOT_FOUND);
}

/** PUT DATA (INS DB). */
export function putData(state: CardState, c: CardCommand): CardReply {
  if (c.p1 !== 0x3f || c.p2 !== 0xff) return status(CARD_SW.INCORRECT_P1P2);
  if (!state.security.mgmtAuthenticated) return status(CARD_SW.SECURITY_STATUS_NOT_SATISFIED);
  const parsed = parseTlvs(c.data);
  if (!parsed) return status(CARD_SW.INCORRECT_DATA);
  if (parsed[0]?.tag === OBJECT_TAG.DISCOVERY) return status(CARD_SW.SECURITY_STATUS_NOT_SATISFIED);
  const tag = objectTag(c);
  const value = tlvValue(parsed, 0x53);
  if (tag === null || value === undefined) return status(CARD_SW.INCORRECT_DATA);
  if (!isKnownObject(tag, state.profile.version !== null) || tag === OBJECT_TAG.DISCOVERY)
    return status(CARD_SW.FILE_NOT_FOUND);
  if (value.length > MAX_OBJECT) return status(CARD_SW.NOT_ENOUGH_MEMORY);
  if (value.length === 0) state.objects.delete(tag);
  else state.objects.set(tag, value.slice());
  return ok();
}
