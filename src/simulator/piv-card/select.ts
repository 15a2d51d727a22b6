/**
 * SELECT the PIV Card Application (SP 800-73-4 Part 2 §3.1.1): 00 A4 04 00 Lc <AID or its first
 * 5+ bytes>. The answer is the Application Property Template (Part 2 Table 3):
 *   61 { 4F <PIX 00 00 10 00 01 00>  79 { 4F <RID A0 00 00 03 08> }  [50 label]  [AC algorithms] }
 * A YubiKey answers with exactly 4F and 79; the plain PIV card also names itself and lists its
 * algorithms (AC: 80 <id> per algorithm, 06 00). Any other AID: 6A82, and the PIV selection stays.
 */
import { concatBytes } from '../../bytes';
import { tlv } from './ber';
import { CARD_SW, ok, status, type CardCommand, type CardReply } from './card-apdu';
import type { CardState } from './card-state';
import { PIV_AID } from './cmd-data';

function propertyTemplate(state: CardState): Uint8Array {
  const base = [tlv(0x4f, PIV_AID.subarray(5, 11)), tlv(0x79, tlv(0x4f, PIV_AID.subarray(0, 5)))];
  if (state.profile.version && !state.profile.listsAlgorithms) return tlv(0x61, concatBytes(...base));
  const algorithms = [0x03, ...state.profile.keyAlgorithms].map((a) => tlv(0x80, [a]));
  const label = tlv(0x50, new TextEncoder().encode('Keyward Virtual PIV'));
  return tlv(0x61, concatBytes(...base, label, tlv(0xac, concatBytes(...algorithms, tlv(0x06, [0x00])))));
}

/** SELECT (INS A4) by DF name. */
export function selectApplication(state: CardState, c: CardCommand): CardReply {
  if (c.p1 !== 0x04 || (c.p2 & ~0x0c) !== 0) return status(CARD_SW.INCORRECT_P1P2);
  const matches = c.data.length >= 5 && c.data.length <= PIV_AID.length && c.data.every((b, i) => b === PIV_AID[i]);
  if (!matches) return status(CARD_SW.FILE_NOT_FOUND);
  state.selected = true;
  return c.p2 & 0x0c ? ok() : ok(propertyTemplate(state));
}
