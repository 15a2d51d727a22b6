/**
 * GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4): INS 87, P1 algorithm, P2 key reference, data a
 * Dynamic Authentication Template 7C holding 80 witness, 81 challenge, 82 response, 85 exponentiation.
 *
 * Management key 9B (Part 2 Appendix A; Yubico's 3DES/AES variants, block = 8 or 16 bytes):
 *   mutual:  7C 02 80 00                → 7C 80 E(W)           card's witness W, encrypted
 *            7C 80 <W> 81 <C>           → 7C 82 E(C)           host proves it decrypted W; card answers C
 *   single:  7C 02 81 00                → 7C 81 <C>            card's challenge
 *            7C 82 <E(C)>               → 9000                 host proves it holds the key
 *   card:    7C 81 <C> 82 00            → 7C 82 E(C)           the card proves itself (no host status)
 * Slot keys: 7C 82 00 81 <block|hash|message> → 7C 82 <signature>; 7C 82 00 85 <point> → 7C 82 <secret>.
 */
import { bytesEqual } from '../../bytes';
import { parseTlvs, tlv, tlvValue } from './ber';
import { CARD_SW, ok, status, type CardCommand, type CardReply } from './card-apdu';
import type { CardState } from './card-state';
import { KEY_REF, PIN_POLICY, defaultPinPolicy, isKeySlot } from './data-objects';
import { blockLength, encryptBlock } from './mgmt-cipher';
import { agreeKey, signOrDecrypt } from './slot-key';

const reply = (tag: number, value: Uint8Array): CardReply => ok(tlv(0x7c, tlv(tag, value)));

/** GENERAL AUTHENTICATE (INS 87). */
export async function generalAuthenticate(state: CardState, c: CardCommand): Promise<CardReply> {
  const outer = parseTlvs(c.data);
  const template = outer && tlvValue(outer, 0x7c);
  const fields = template && parseTlvs(template);
  if (!fields) return status(CARD_SW.INCORRECT_DATA);
  const field = (tag: number) => tlvValue(fields, tag);
  if (c.p2 === KEY_REF.MANAGEMENT) return managementAuth(state, c.p1, field);
  if (!isKeySlot(c.p2, state.profile.version !== null)) return status(CARD_SW.INCORRECT_P1P2);
  return useSlotKey(state, c.p1, c.p2, field);
}

async function managementAuth(
  state: CardState,
  algorithm: number,
  field: (tag: number) => Uint8Array | undefined,
): Promise<CardReply> {
  const { mgmt, security } = state;
  if (algorithm !== mgmt.algorithm) return status(CARD_SW.INCORRECT_P1P2);
  const size = blockLength(algorithm);
  const [witness, challenge, response] = [field(0x80), field(0x81), field(0x82)];
  const pending = security.pending;
  security.pending = null;
  if (witness?.length === 0 && !challenge && !response) {
    const value = state.random(size);
    security.pending = { kind: 'witness', value, algorithm };
    security.mgmtAuthenticated = false;
    return reply(0x80, await encryptBlock(algorithm, mgmt.key, value));
  }
  if (challenge?.length === 0 && !witness && !response) {
    const value = state.random(size);
    security.pending = { kind: 'challenge', value, algorithm };
    security.mgmtAuthenticated = false;
    return reply(0x81, value);
  }
  if (witness && challenge && witness.length === size && challenge.length === size) {
    if (pending?.kind !== 'witness' || !bytesEqual(pending.value, witness))
      return status(CARD_SW.SECURITY_STATUS_NOT_SATISFIED);
    security.mgmtAuthenticated = true;
    return reply(0x82, await encryptBlock(algorithm, mgmt.key, challenge));
  }
  if (response && response.length === size && !witness && !challenge) {
    if (pending?.kind !== 'challenge') return status(CARD_SW.SECURITY_STATUS_NOT_SATISFIED);
    const expected = await encryptBlock(algorithm, mgmt.key, pending.value);
    if (!bytesEqual(expected, response)) return status(CARD_SW.SECURITY_STATUS_NOT_SATISFIED);
    security.mgmtAuthenticated = true;
    return ok();
  }
  if (challenge?.length === size && response?.length === 0)
    return reply(0x82, await encryptBlock(algorithm, mgmt.key, challenge));
  return status(CARD_SW.INCORRECT_DATA);
}

/** Applies the slot's PIN policy; false when the PIN status does not allow the key's use. */
function pinAllows(state: CardState, ref: number, policy: number): boolean {
  const effective = policy === PIN_POLICY.DEFAULT ? defaultPinPolicy(ref) : policy;
  if (effective === PIN_POLICY.NEVER) return true;
  if (effective === PIN_POLICY.ONCE) return state.security.pinVerified;
  if (!state.security.pinFresh) return false;
  state.security.pinFresh = false;
  return true;
}

function useSlotKey(
  state: CardState,
  algorithm: number,
  ref: number,
  field: (tag: number) => Uint8Array | undefined,
): CardReply {
  const entry = state.slots.get(ref);
  if (!entry) return status(CARD_SW.REFERENCE_NOT_FOUND);
  if (entry.algorithm !== algorithm) return status(CARD_SW.INCORRECT_P1P2);
  const [challenge, response, point] = [field(0x81), field(0x82), field(0x85)];
  if (response === undefined || response.length !== 0 || (challenge === undefined) === (point === undefined)) {
    return status(CARD_SW.INCORRECT_DATA);
  }
  if (!pinAllows(state, ref, entry.pinPolicy)) return status(CARD_SW.SECURITY_STATUS_NOT_SATISFIED);
  const result = challenge !== undefined ? signOrDecrypt(entry.key, challenge) : agreeKey(entry.key, point!);
  return result ? reply(0x82, result) : status(CARD_SW.INCORRECT_DATA);
}
