/**
 * The PIN typed on the reader's keypad: the PIN commands of SP 800-73-4 Part 2 as templates whose PIN
 * fields the reader fills (`PinPadCommand`), sent through `ApduChannel.enterPin`. The host never holds the
 * holder's PIN; status words are read as for the host-sent commands (pin.ts).
 *
 *   VERIFY                 00 20 00 80 08 FF×8          the PIN typed at data offset 0 (§3.2.1)
 *   CHANGE REFERENCE DATA  00 24 00 80 10 FF×16         current PIN at 0, new PIN at 8, typed twice (§3.2.2)
 *   RESET RETRY COUNTER    00 2C 00 80 10 PUK‖FF×8      the PUK from the host, new PIN at 8, typed twice (§3.2.3)
 *
 * Each PIN field is 8 bytes (§2.4.3): the reader writes the typed ASCII digits from the left and leaves the
 * remaining FF placeholders as the padding PIV asks for (as OpenSC's PIV driver asks of PIN-pad readers).
 */
import type { ApduChannel } from '../apdu/channel';
import type { PinPadCommand } from '../transport/card-transport';
import { KEY_REF, PIV_INS } from './constants';
import { pivErrorForStatus, type PivOperation } from './errors';
import { encodePin } from './pin';

/** How the holder may type: digits allowed and how long the reader waits for the first key. */
export interface PinEntryLimits {
  /** 6 by default (SP 800-73-4 Part 2 §2.4.3). */
  readonly minDigits?: number;
  /** 8 by default. */
  readonly maxDigits?: number;
  /** Seconds; 0 (default) leaves it to the reader. */
  readonly timeoutSeconds?: number;
  readonly signal?: AbortSignal;
}

/** The PIV PIN field: 8 bytes (§2.4.3). */
const PIN_FIELD = 8;

/** A case-3 PIV command on the PIN (P2 80) whose data is `known` then `typed` FF placeholder fields. */
function template(ins: number, known: Uint8Array, typed: number): Uint8Array {
  const data = new Uint8Array(known.length + PIN_FIELD * typed).fill(0xff);
  data.set(known);
  return Uint8Array.of(0x00, ins, 0x00, KEY_REF.PIN, data.length, ...data);
}

/** VERIFY of the card PIN, typed on the keypad. */
export function verifyPinTemplate(limits: PinEntryLimits = {}): PinPadCommand {
  return {
    operation: 'verify',
    apdu: template(PIV_INS.VERIFY, new Uint8Array(0), 1),
    pinBlock: PIN_FIELD,
    ...entry(limits),
  };
}

/** CHANGE REFERENCE DATA of the card PIN: the current PIN and the new one (twice) typed on the keypad. */
export function changePinTemplate(limits: PinEntryLimits = {}): PinPadCommand {
  return {
    operation: 'modify',
    apdu: template(PIV_INS.CHANGE_REFERENCE_DATA, new Uint8Array(0), 2),
    pinBlock: PIN_FIELD,
    newPinOffset: PIN_FIELD,
    enterCurrent: true,
    ...entry(limits),
  };
}

/** RESET RETRY COUNTER with `puk` (from the host): the new PIN typed on the keypad, twice. */
export function resetPinTemplate(puk: string, limits: PinEntryLimits = {}): PinPadCommand {
  return {
    operation: 'modify',
    apdu: template(PIV_INS.RESET_RETRY_COUNTER, encodePin(puk, 'PUK'), 1),
    pinBlock: PIN_FIELD,
    newPinOffset: PIN_FIELD,
    enterCurrent: false,
    ...entry(limits),
  };
}

function entry({ minDigits, maxDigits, timeoutSeconds }: PinEntryLimits) {
  return {
    ...(minDigits === undefined ? {} : { minDigits }),
    ...(maxDigits === undefined ? {} : { maxDigits }),
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
  };
}

/**
 * The PIN commands with the PIN typed on the reader. Where the reader has no PIN pad (`takes` undefined)
 * they reject with `apdu` `NO_PIN_PAD` before anything is sent.
 */
export class PinOnReader {
  constructor(private readonly channel: ApduChannel) {}

  /** What the keypad takes: VERIFY (`verify`) and CHANGE REFERENCE DATA / RESET RETRY COUNTER (`modify`). */
  get takes(): { readonly verify: boolean; readonly modify: boolean } | undefined {
    return this.channel.pinPad;
  }

  async #send(command: PinPadCommand, op: PivOperation, signal?: AbortSignal): Promise<void> {
    const r = await this.channel.enterPin(command, signal ? { signal } : {});
    if (r.sw !== 0x9000) throw pivErrorForStatus(r.sw, op);
  }

  /** VERIFY, the PIN typed on the reader. Wrong → `PIN_INVALID` `{ retriesLeft }`; blocked → `PIN_BLOCKED`. */
  verifyPin(limits: PinEntryLimits = {}): Promise<void> {
    return this.#send(verifyPinTemplate(limits), 'verify-pin', limits.signal);
  }

  /** CHANGE REFERENCE DATA: the holder types the current PIN, then the new one twice. */
  changePin(limits: PinEntryLimits = {}): Promise<void> {
    return this.#send(changePinTemplate(limits), 'change-pin', limits.signal);
  }

  /** RESET RETRY COUNTER with `puk`: the holder types the new PIN twice. Wrong PUK → `PIN_INVALID` `{ reference: 'PUK' }`. */
  unblockPin(puk: string, limits: PinEntryLimits = {}): Promise<void> {
    return this.#send(resetPinTemplate(puk, limits), 'unblock-pin', limits.signal);
  }
}
