/**
 * PIN and PUK commands (SP 800-73-4 Part 2 §3.2.1 VERIFY, §3.2.2 CHANGE REFERENCE DATA, §3.2.3 RESET
 * RETRY COUNTER) and Yubico's SET PIN RETRIES (INS FA).
 *
 *   VERIFY            00 20 00 80 08 <PIN FF-padded>     → 9000 | 63Cx | 6983
 *   VERIFY (status)   00 20 00 80 (no data)              → 9000 verified | 63Cx not verified | 6983
 *   VERIFY (reset)    00 20 FF 80 (no data)              → 9000, PIN no longer verified
 *   CHANGE REF DATA   00 24 00 80|81 10 <old 8> <new 8>
 *   RESET RETRY CTR   00 2C 00 80 10 <PUK 8> <new PIN 8>
 *   SET PIN RETRIES   00 FA <PIN tries> <PUK tries>     (management key and PIN required)
 */
import { bytesEqual } from '../../bytes';
import { CARD_SW, ok, status, type CardCommand, type CardReply } from './card-apdu';
import { clearedSecurity, defaultReferences, type CardState, type ReferenceData } from './card-state';
import { KEY_REF } from './data-objects';

const triesLeft = (ref: ReferenceData): CardReply =>
  status(ref.retries === 0 ? CARD_SW.AUTH_METHOD_BLOCKED : CARD_SW.VERIFY_FAILED_00 | ref.retries);

/** A PIN/PUK value is 8 bytes: 6..8 characters then FF padding (Part 2 §3.2.1; Part 1 §2.4.3). */
function wellFormed(value: Uint8Array): boolean {
  if (value.length !== 8) return false;
  const end = value.indexOf(0xff);
  const len = end === -1 ? 8 : end;
  return len >= 6 && value.subarray(len).every((b) => b === 0xff);
}

/** Checks `value` against `ref`, spending a try on failure. */
function check(ref: ReferenceData, value: Uint8Array): CardReply | null {
  if (ref.retries === 0) return status(CARD_SW.AUTH_METHOD_BLOCKED);
  if (!bytesEqual(ref.value, value)) {
    ref.retries -= 1;
    return triesLeft(ref);
  }
  ref.retries = ref.maxRetries;
  return null;
}

/** VERIFY (INS 20), PIN only (the YubiKey has no global PIN or OCC). */
export function verify(state: CardState, c: CardCommand): CardReply {
  if (c.p2 !== KEY_REF.PIN || (c.p1 !== 0x00 && c.p1 !== 0xff)) return status(CARD_SW.INCORRECT_P1P2);
  if (c.p1 === 0xff) {
    if (c.data.length !== 0) return status(CARD_SW.INCORRECT_DATA);
    state.security.pinVerified = false;
    state.security.pinFresh = false;
    return ok();
  }
  if (c.data.length === 0) {
    if (state.pin.retries === 0) return status(CARD_SW.AUTH_METHOD_BLOCKED);
    return state.security.pinVerified ? ok() : triesLeft(state.pin);
  }
  if (c.data.length !== 8) return status(CARD_SW.INCORRECT_DATA);
  const failed = check(state.pin, c.data);
  state.security.pinVerified = failed === null;
  state.security.pinFresh = failed === null;
  return failed ?? ok();
}

/** CHANGE REFERENCE DATA (INS 24) for the PIN (80) or PUK (81). */
export function changeReference(state: CardState, c: CardCommand): CardReply {
  if (c.p1 !== 0x00 || (c.p2 !== KEY_REF.PIN && c.p2 !== KEY_REF.PUK)) return status(CARD_SW.INCORRECT_P1P2);
  if (c.data.length !== 16) return status(CARD_SW.INCORRECT_DATA);
  const ref = c.p2 === KEY_REF.PIN ? state.pin : state.puk;
  const next = c.data.slice(8);
  if (ref.retries > 0 && !wellFormed(next)) return status(CARD_SW.INCORRECT_DATA);
  const failed = check(ref, c.data.subarray(0, 8));
  if (failed) {
    if (c.p2 === KEY_REF.PIN) state.security.pinVerified = false;
    return failed;
  }
  ref.value = next;
  return ok();
}

/** RESET RETRY COUNTER (INS 2C): the PUK unblocks the PIN and sets a new one. */
export function resetRetryCounter(state: CardState, c: CardCommand): CardReply {
  if (c.p1 !== 0x00 || c.p2 !== KEY_REF.PIN) return status(CARD_SW.INCORRECT_P1P2);
  if (c.data.length !== 16) return status(CARD_SW.INCORRECT_DATA);
  const next = c.data.slice(8);
  if (state.puk.retries > 0 && !wellFormed(next)) return status(CARD_SW.INCORRECT_DATA);
  const failed = check(state.puk, c.data.subarray(0, 8));
  if (failed) return failed;
  state.pin.value = next;
  state.pin.retries = state.pin.maxRetries;
  return ok();
}

/**
 * Yubico SET PIN RETRIES (INS FA, P1 PIN tries, P2 PUK tries, 1..255): needs the management key and
 * the PIN; resets PIN and PUK to their defaults, as the YubiKey does.
 */
export function setPinRetries(state: CardState, c: CardCommand): CardReply {
  if (!state.security.mgmtAuthenticated || !state.security.pinVerified)
    return status(CARD_SW.SECURITY_STATUS_NOT_SATISFIED);
  if (c.p1 === 0 || c.p2 === 0) return status(CARD_SW.INCORRECT_P1P2);
  const { pin, puk } = defaultReferences(state.profile, c.p1, c.p2);
  state.pin = pin;
  state.puk = puk;
  return ok();
}

/** Yubico RESET (INS FB): allowed only once both PIN and PUK are blocked; back to factory state. */
export function resetCard(state: CardState): CardReply {
  if (state.pin.retries !== 0 || state.puk.retries !== 0) return status(CARD_SW.CONDITIONS_NOT_SATISFIED);
  Object.assign(state, defaultReferences(state.profile));
  const attestation = state.slots.get(KEY_REF.ATTESTATION);
  const attestationCert = state.objects.get(0x5fff01);
  state.slots.clear();
  state.objects.clear();
  if (attestation) state.slots.set(KEY_REF.ATTESTATION, attestation);
  if (attestationCert) state.objects.set(0x5fff01, attestationCert);
  state.security = clearedSecurity();
  return ok();
}
