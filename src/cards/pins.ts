/**
 * PIN choices: the random activation PIN set at issuance, the template's PIN policy for the holder's PIN,
 * and the wrong guesses used to block a YubiKey's PIN and PUK before RESET. None of these values is ever
 * journalled, logged or put in an error.
 */
import { isAppError } from '../app-error';
import { ifCardHas } from '../piv/errors';
import type { PivSession } from '../piv/session';
import { cardStepError } from './card-error';

/** A card template's PIN policy (its Issue Card settings). */
export interface PinPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  readonly digitsOnly: boolean;
}

/** The factory PIN, which no holder may keep. */
export const DEFAULT_PIN = '123456';
/** The factory PUK. */
export const DEFAULT_PUK = '12345678';

/** The default flag of a PIN/PUK/key reference from GET METADATA; undefined where the card has none. */
export async function isDefaultReference(session: PivSession, reference: number): Promise<boolean | undefined> {
  return (await ifCardHas(() => session.getMetadata(reference)))?.isDefault;
}

/** `length` uniformly random decimal digits (bytes ≥ 250 are discarded to avoid modulo bias). */
export function randomDigits(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < 250 && out.length < length) out += String(b % 10);
    }
  }
  return out;
}

/** A random activation PIN: digits, the policy's length (clamped to the card's 6..8), never the default. */
export function activationPin(policy: PinPolicy): string {
  const length = Math.min(8, Math.max(6, policy.minLength, policy.maxLength)); // the longest the policy and the card allow
  for (;;) {
    const pin = randomDigits(length);
    if (pin !== DEFAULT_PIN) return pin;
  }
}

/**
 * The digits a keypad may take under `policy` (a PIN typed on the reader): the policy's lengths within the
 * card's 6..8. A keypad has only digits, so `digitsOnly` holds by itself.
 */
export function pinEntryLimits(policy: PinPolicy): { readonly minDigits: number; readonly maxDigits: number } {
  return { minDigits: Math.max(6, policy.minLength), maxDigits: Math.min(8, policy.maxLength) };
}

/** Throws `PIN_POLICY` (naming the rule, never the PIN) unless `pin` meets the policy and the card's 6..8 limit. */
export function checkPinPolicy(pin: string, policy: PinPolicy): void {
  const min = Math.max(6, policy.minLength);
  const max = Math.min(8, policy.maxLength);
  const fields = { minLength: min, maxLength: max, digitsOnly: policy.digitsOnly };
  if (pin.length < min || pin.length > max)
    throw cardStepError('PIN_POLICY', `The PIN must be ${min} to ${max} characters long.`, fields);
  if (policy.digitsOnly && !/^\d+$/.test(pin))
    throw cardStepError('PIN_POLICY', 'The PIN must contain digits only.', fields);
  if (!/^[\x21-\x7e]+$/.test(pin))
    throw cardStepError('PIN_POLICY', 'The PIN may contain printable characters only, without spaces.', fields);
  if (pin === DEFAULT_PIN) throw cardStepError('PIN_POLICY', 'The PIN must not be the factory default.', fields);
}

/** Spends PIN tries with wrong guesses until the PIN is blocked (a guess that happens to be right is replaced). */
export async function blockPin(session: PivSession): Promise<void> {
  for (let i = 0; i < 32; i++) {
    try {
      await session.verifyPin(randomDigits(8));
    } catch (e) {
      if (isAppError(e, 'piv', 'PIN_BLOCKED')) return;
      if (!isAppError(e, 'piv', 'PIN_INVALID')) throw e;
    }
  }
  throw cardStepError('VERIFY_FAILED', 'The PIN could not be blocked.');
}

/** Spends PUK tries (CHANGE REFERENCE DATA with a wrong PUK) until the PUK is blocked. `avoid` is the real PUK when known. */
export async function blockPuk(session: PivSession, avoid?: string): Promise<void> {
  for (let i = 0; i < 32; i++) {
    let guess = randomDigits(8);
    if (guess === avoid) guess = randomDigits(8);
    try {
      await session.changePuk(guess, guess);
    } catch (e) {
      if (isAppError(e, 'piv', 'PIN_BLOCKED')) return;
      if (!isAppError(e, 'piv', 'PIN_INVALID')) throw e;
    }
  }
  throw cardStepError('VERIFY_FAILED', 'The PUK could not be blocked.');
}
