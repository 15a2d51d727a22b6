/**
 * Returning a YubiKey to blank: Yubico's RESET of the PIV application is refused until both the PIN and
 * the PUK are blocked (docs.yubico.com "Reset"; the virtual card enforces it), so both are blocked first
 * with wrong guesses. Keys, certificates and the CHUID are gone afterwards; PIN, PUK and management key
 * are back to the factory values.
 */
import type { PivSession } from '../../piv/session';
import { blockPin, blockPuk } from './pins';

/** Blocks PIN and PUK, then RESETs. `knownPuk` (the derived PUK) is never used as a guess. */
export async function resetToBlank(session: PivSession, knownPuk?: string): Promise<void> {
  await blockPin(session);
  await blockPuk(session, knownPuk);
  await session.reset();
}
