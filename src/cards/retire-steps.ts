/**
 * The card steps of retirement: keys destroyed, binding removed, factory secrets back.
 *
 * YubiKey: Yubico's RESET of the PIV application, which is refused until both the PIN and the PUK are
 * blocked (docs.yubico.com "Reset"; the virtual card enforces it), so both are blocked first with wrong
 * guesses. Keys, certificates and the CHUID are gone afterwards; PIN, PUK and management key are back to
 * the factory values. Generic PIV card (authenticated with its management key first): each key slot gets
 * a throwaway key, certificates are deleted (PUT DATA with an empty object, `PivSession.deleteObject`),
 * PIN and PUK go back to the factory values with the derived PUK, and the CHUID is rewritten with a
 * random GUID. Each step can be repeated, so an interrupted retirement simply runs again.
 */
import { OBJECT_TAG } from '../piv/constants';
import type { PivSession } from '../piv/session';
import { freshChuid } from './card';
import { blockPin, blockPuk, DEFAULT_PIN, DEFAULT_PUK } from './pins';

/** Blocks PIN and PUK, then RESETs. `knownPuk` (the derived PUK) is never used as a guess. */
export async function resetToBlank(session: PivSession, knownPuk?: string): Promise<void> {
  await blockPin(session);
  await blockPuk(session, knownPuk);
  await session.reset();
}

/** The key slots (SP 800-73-4 Part 1 §3.3) and the data object of each one's certificate. */
const SLOT_CERTS: readonly [number, number][] = [
  [0x9a, OBJECT_TAG.CERT_9A],
  [0x9c, OBJECT_TAG.CERT_9C],
  [0x9d, OBJECT_TAG.CERT_9D],
  [0x9e, OBJECT_TAG.CERT_9E],
];

/** Replaces every slot's key with a throwaway one and deletes its certificate (needs the management key). */
export async function destroyKeys(session: PivSession): Promise<void> {
  for (const [slot, certTag] of SLOT_CERTS) {
    await session.generateKey(slot, 'ECCP256');
    await session.deleteObject(certTag);
  }
}

/** Returns PIN and PUK to the factory values, with the card's (derived) `puk`. */
export async function resetAdminSecrets(session: PivSession, puk: string): Promise<void> {
  await session.unblockPin(puk, DEFAULT_PIN);
  await session.changePuk(puk, DEFAULT_PUK);
}

/** Rewrites the CHUID with a random GUID, so the card names no holder (needs the management key). */
export async function removeBinding(session: PivSession): Promise<void> {
  await session.writeChuid(freshChuid());
}
