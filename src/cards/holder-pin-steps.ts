/**
 * The card steps that act for the holder's PIN: activation (the activation PIN proved, the holder's own
 * PIN set with CHANGE REFERENCE DATA, SP 800-73-4 Part 2 §3.2.2), unblock (RESET RETRY COUNTER with the
 * derived PUK, §3.2.3) and Detect Locked (VERIFY without data, §3.2.1). Each step is verified by VERIFY
 * with the PIN it set, which also leaves the PIN verified.
 */
import { KEY_REF } from '../piv/constants';
import { orIfCardSays } from '../piv/errors';
import type { PivSession } from '../piv/session';
import { isDefaultReference, pinEntryLimits, type PinPolicy } from './pins';

/** VERIFY `pin`; false when wrong (a try is spent), other errors thrown. */
export function pinWorks(session: PivSession, pin: string): Promise<boolean> {
  return orIfCardSays(() => session.verifyPin(pin).then(() => true), 'PIN_INVALID', false);
}

/** Proves the activation PIN; a wrong one spends a try (`piv` `PIN_INVALID` with `retriesLeft`). */
export async function verifyActivationPin(session: PivSession, activationPin: string): Promise<void> {
  await session.verifyPin(activationPin);
}

/** Replaces the activation PIN with the holder's `newPin`, verified. */
export async function changeHolderPin(session: PivSession, activationPin: string, newPin: string): Promise<void> {
  await session.changePin(activationPin, newPin);
  await session.verifyPin(newPin);
}

/** Sets the holder's `newPin` with the card's (derived) `puk`, verified; works on a blocked PIN. */
export async function resetPinWithPuk(session: PivSession, puk: string, newPin: string): Promise<void> {
  await session.unblockPin(puk, newPin);
  await session.verifyPin(newPin);
}

/**
 * Activation on a PIN-pad reader: the holder types the activation PIN and their new PIN (twice) on the
 * reader's keypad (CHANGE REFERENCE DATA, which also proves the activation PIN: a wrong one is `piv`
 * `PIN_INVALID`), then the new PIN once more (VERIFY), as the typed path verifies what it set. Keyward
 * never sees either; the keypad keeps to `policy`'s lengths.
 */
export async function changeHolderPinOnReader(
  session: PivSession,
  policy: PinPolicy,
  signal?: AbortSignal,
): Promise<void> {
  const limits = { ...pinEntryLimits(policy), ...(signal ? { signal } : {}) };
  await session.onReader.changePin(limits);
  await session.onReader.verifyPin(limits);
}

/**
 * Unblock on a PIN-pad reader: the derived `puk` from Keyward, the holder's new PIN typed on the keypad,
 * twice, then once more to verify it. `signal` (the operator's Cancel in the page) ends the entry on the reader as `PIN_CANCELLED`.
 */
export async function resetPinWithPukOnReader(
  session: PivSession,
  puk: string,
  policy: PinPolicy,
  signal?: AbortSignal,
): Promise<void> {
  const limits = { ...pinEntryLimits(policy), ...(signal ? { signal } : {}) };
  await session.onReader.unblockPin(puk, limits);
  await session.onReader.verifyPin(limits);
}

/** PUK tries left where the card reports them (GET METADATA 81, YubiKey), else undefined. */
export async function reportedPukRetries(session: PivSession): Promise<number | undefined> {
  return (await isDefaultReference(session, KEY_REF.PUK)) === undefined ? undefined : session.getPukRetries();
}

/** PIN tries left (0 = blocked); null once the PIN is verified in this session. */
export async function pinRetriesLeft(session: PivSession): Promise<number | null> {
  const status = await session.getPinStatus();
  return status.verified ? null : status.retriesLeft;
}
