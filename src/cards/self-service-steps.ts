/**
 * The card steps of the holder's self-service page (DESIGN.md "Self-service"): the card proves itself to
 * the relay by signing the relay's nonce with a key the registry recorded at issuance.
 *
 * - Activate: VERIFY the activation PIN, CHANGE REFERENCE DATA to the holder's PIN (template policy
 *   checked first), then the PIV Authentication key (9A, PIN verified) signs the nonce.
 * - Request a pass with *Force authentication*: VERIFY the holder's PIN, then 9A signs the nonce.
 * - Unblock: the Card Authentication key (9E, no PIN needed, SP 800-73-4 Part 1 §3.2.4) signs the nonce;
 *   once the relay has released the PUK, RESET RETRY COUNTER sets the holder's new PIN.
 *
 * Signing is GENERAL AUTHENTICATE with an empty response (82) and the challenge (81), SP 800-73-4 Part 2
 * §3.2.4, over what SP 800-78-4 Table 6 pairs with the key: ECDSA P-256 over SHA-256(nonce) and P-384
 * over SHA-384(nonce), answered as DER Ecdsa-Sig-Value (RFC 5480 §2.2); RSA 2048 signs the PKCS#1 v1.5
 * block of DigestInfo(SHA-256(nonce)) (RFC 8017 §9.2), answered as the raw 256-byte signature.
 * No PIN, PUK or key value is ever put in an error or returned.
 */
import { KEY_REF } from '../piv/constants';
import { digestInfo } from '../piv/keys';
import type { PivSession } from '../piv/session';
import { changeHolderPin, resetPinWithPuk, verifyActivationPin } from './holder-pin-steps';
import { checkPinPolicy, type PinPolicy } from './pins';

/** The key that proves the card: PIV Authentication (9A) or Card Authentication (9E). */
export type ProofSlot = '9A' | '9E';
/** The algorithms a recorded proof key may have. */
export type ProofAlgorithm = 'ECCP256' | 'ECCP384' | 'RSA2048';

/** A relay challenge as the card needs it: the nonce's bytes, the slot and the recorded key's algorithm. */
export interface NonceToSign {
  readonly nonce: Uint8Array;
  readonly slot: ProofSlot;
  readonly algorithm: ProofAlgorithm;
}

const SLOT_REFERENCE: Readonly<Record<ProofSlot, number>> = {
  '9A': KEY_REF.AUTHENTICATION,
  '9E': KEY_REF.CARD_AUTH,
};

async function sha(hash: 'SHA-256' | 'SHA-384', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hash, Uint8Array.from(data)));
}

/**
 * Has the key in the challenge's slot sign its nonce (see the header for what is signed); resolves with
 * the signature as the relay checks it (DER ECDSA, or the raw RSA block). 9A needs the PIN verified first.
 */
export async function signRelayNonce(session: PivSession, challenge: NonceToSign): Promise<Uint8Array> {
  const slot = SLOT_REFERENCE[challenge.slot];
  switch (challenge.algorithm) {
    case 'ECCP256':
      return session.sign(slot, 'ECCP256', await sha('SHA-256', challenge.nonce));
    case 'ECCP384':
      return session.sign(slot, 'ECCP384', await sha('SHA-384', challenge.nonce));
    case 'RSA2048':
      return session.sign(slot, 'RSA2048', digestInfo('SHA-256', await sha('SHA-256', challenge.nonce)));
  }
}

/** What activation needs from the holder. */
export interface ActivationInput {
  readonly activationPin: string;
  readonly newPin: string;
  /** The card template's PIN policy for the holder's PIN. */
  readonly policy: PinPolicy;
}

/**
 * Activates the card for its holder: checks the new PIN against the policy before the card is touched,
 * proves the activation PIN (a wrong one spends a try: `piv` `PIN_INVALID` with `retriesLeft`), sets the
 * holder's PIN, then signs the relay's nonce with 9A. Resolves with the signature.
 */
export async function activateOnCard(
  session: PivSession,
  input: ActivationInput,
  challenge: NonceToSign,
): Promise<Uint8Array> {
  checkPinPolicy(input.newPin, input.policy);
  await verifyActivationPin(session, input.activationPin);
  await changeHolderPin(session, input.activationPin, input.newPin);
  return signRelayNonce(session, challenge);
}

/** Proves the card and its holder for *Force authentication*: VERIFY the PIN, then 9A signs the nonce. */
export async function proveWithPin(session: PivSession, pin: string, challenge: NonceToSign): Promise<Uint8Array> {
  await session.verifyPin(pin);
  return signRelayNonce(session, challenge);
}

/** Proves possession of the card without its PIN (9E), as the unblock needs while the PIN is blocked. */
export function proveWithoutPin(session: PivSession, challenge: NonceToSign): Promise<Uint8Array> {
  return signRelayNonce(session, challenge);
}

/**
 * Checks `newPin` against the policy, then RESET RETRY COUNTER with the PUK the relay released for this
 * unblock, and VERIFY with the new PIN (which leaves it verified).
 */
export async function setPinAfterUnblock(
  session: PivSession,
  puk: string,
  newPin: string,
  policy: PinPolicy,
): Promise<void> {
  checkPinPolicy(newPin, policy);
  await resetPinWithPuk(session, puk, newPin);
}
