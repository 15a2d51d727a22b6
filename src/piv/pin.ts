/**
 * PIN and PUK commands (SP 800-73-4 Part 2 §3.2.1–§3.2.3; PIN format §2.4.3).
 *
 *   VERIFY                 00 20 00 80 08 PIN‖FF…            P2 80 = PIV Card Application PIN
 *   VERIFY (status query)  00 20 00 80                        no data: 9000 = verified, 63Cx = x tries left
 *   CHANGE REFERENCE DATA  00 24 00 80|81 10 old‖new         81 = PIN Unblocking Key (PUK)
 *   RESET RETRY COUNTER    00 2C 00 80 10 PUK‖new PIN
 *
 * Each PIN or PUK field is 8 bytes: the characters, padded with FF (§2.4.3). The status words 63Cx
 * (wrong, x tries left) and 6983 (blocked) are read here, where it is known whether a PIN or PUK was tried.
 */
import { concatBytes } from '../bytes';
import { okData, pivApdu, type PivCommand } from './command';
import { KEY_REF, PIV_INS } from './constants';
import { pivError, pivErrorForStatus } from './errors';

/** Which secret: the PIV PIN (80) or the PUK (81). */
export type PinReference = 'PIN' | 'PUK';

/**
 * Checks a PIN or PUK: 6 to 8 printable ASCII characters (§2.4.3 allows 6–8 bytes; YubiKeys take any
 * ASCII, PIV cards only digits, so digits-only is left to the card). Throws `INVALID_ARGUMENT`, naming
 * only what is wrong, never the value.
 */
export function validatePin(pin: string, reference: PinReference = 'PIN'): void {
  if (pin.length < 6 || pin.length > 8)
    throw pivError('INVALID_ARGUMENT', `the ${reference} must be 6 to 8 characters`, { reference, length: pin.length });
  if (!/^[\x21-\x7e]+$/.test(pin))
    throw pivError('INVALID_ARGUMENT', `the ${reference} must be printable ASCII without spaces`, { reference });
}

/** The 8-byte reference-data field: the PIN's ASCII bytes padded with FF (§2.4.3). */
export function encodePin(pin: string, reference: PinReference = 'PIN'): Uint8Array {
  validatePin(pin, reference);
  const out = new Uint8Array(8).fill(0xff);
  out.set(new TextEncoder().encode(pin));
  return out;
}

/** The PIN's state: verified now, or the tries left. */
export type PinStatus = { readonly verified: true } | { readonly verified: false; readonly retriesLeft: number };

/** VERIFY with the PIN. Wrong → `PIN_INVALID` `{ retriesLeft }`; blocked → `PIN_BLOCKED`. */
export const verifyPin: PivCommand<string, void> = {
  operation: 'verify-pin',
  getApdu: (pin) => pivApdu(PIV_INS.VERIFY, 0x00, KEY_REF.PIN, { data: encodePin(pin) }),
  parseResponse: (r) => void okData(r, 'verify-pin'),
};

/** VERIFY with no data: whether the PIN is verified, else how many tries are left (0 when blocked). */
export const getPinStatus: PivCommand<void, PinStatus> = {
  operation: 'verify-pin',
  getApdu: () => pivApdu(PIV_INS.VERIFY, 0x00, KEY_REF.PIN),
  parseResponse(r) {
    if (r.sw === 0x9000) return { verified: true };
    if ((r.sw & 0xfff0) === 0x63c0) return { verified: false, retriesLeft: r.sw & 0x0f };
    if (r.sw === 0x6983) return { verified: false, retriesLeft: 0 };
    throw pivErrorForStatus(r.sw, 'verify-pin');
  },
};

function changeReference(reference: PinReference): PivCommand<{ current: string; next: string }, void> {
  const op = reference === 'PIN' ? 'change-pin' : 'change-puk';
  return {
    operation: op,
    getApdu: ({ current, next }) =>
      pivApdu(PIV_INS.CHANGE_REFERENCE_DATA, 0x00, reference === 'PIN' ? KEY_REF.PIN : KEY_REF.PUK, {
        data: concatBytes(encodePin(current, reference), encodePin(next, reference)),
      }),
    parseResponse: (r) => void okData(r, op),
  };
}

/** CHANGE REFERENCE DATA for the PIN (P2 80). */
export const changePin = changeReference('PIN');
/** CHANGE REFERENCE DATA for the PUK (P2 81). */
export const changePuk = changeReference('PUK');

/** RESET RETRY COUNTER: the PUK unblocks the PIN and sets a new one. Wrong PUK → `PIN_INVALID` `{ reference: 'PUK' }`. */
export const unblockPin: PivCommand<{ puk: string; newPin: string }, void> = {
  operation: 'unblock-pin',
  getApdu: ({ puk, newPin }) =>
    pivApdu(PIV_INS.RESET_RETRY_COUNTER, 0x00, KEY_REF.PIN, {
      data: concatBytes(encodePin(puk, 'PUK'), encodePin(newPin, 'PIN')),
    }),
  parseResponse: (r) => void okData(r, 'unblock-pin'),
};
