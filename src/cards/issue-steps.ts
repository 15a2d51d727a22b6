/**
 * The card steps of issuance after authentication (admin-key.ts has that and the management key). Each
 * one checks the card afterwards (or first, to skip work the card already has), so the workflow journals
 * an `after` line only for work that took.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import { SubjectAlternativeNameExtension } from '@peculiar/x509';
import { isAppError } from '../app-error';
import type { Chuid } from '../piv/chuid';
import { KEY_REF, type KeyAlgorithm } from '../piv/constants';
import { createCsr, slotSigner } from '../piv/csr';
import type { PivSession } from '../piv/session';
import { readChuidOrNull } from './card';
import { cardStepError } from './card-error';
import { DEFAULT_PIN, DEFAULT_PUK, isDefaultReference } from './pins';

/** Writes the planned CHUID unless the card already carries it; verified by reading it back. */
export async function writeBinding(session: PivSession, planned: Chuid): Promise<'written' | 'present'> {
  const now = await readChuidOrNull(session);
  if (now && now.guid === planned.guid) return 'present';
  await session.writeChuid(planned);
  const back = await readChuidOrNull(session);
  if (back?.guid !== planned.guid)
    throw cardStepError('VERIFY_FAILED', 'The CHUID read back does not carry the holder binding.', {
      step: 'write-chuid',
    });
  return 'written';
}

/**
 * Sets the derived PUK with CHANGE REFERENCE DATA. Which current value to try first: the metadata's
 * default flag where the card has one, else whether an interrupted run may already have set it. A
 * success with the derived PUK as the current value proves it is set (and restores its tries).
 */
export async function setDerivedPuk(
  session: PivSession,
  puk: string,
  maybeSetAlready: boolean,
): Promise<'changed' | 'verified'> {
  const isDefault = await isDefaultReference(session, KEY_REF.PUK);
  const derivedFirst = isDefault === false || (isDefault === undefined && maybeSetAlready);
  for (const current of derivedFirst ? [puk, DEFAULT_PUK] : [DEFAULT_PUK, puk]) {
    try {
      await session.changePuk(current, puk);
      return current === puk ? 'verified' : 'changed';
    } catch (e) {
      if (!isAppError(e, 'piv', 'PIN_INVALID')) {
        if (isAppError(e, 'piv', 'PIN_BLOCKED')) break;
        throw e;
      }
    }
  }
  throw cardStepError('PUK_UNKNOWN', "The card's PUK is neither the factory default nor the one derived for it.", {
    step: 'set-puk',
  });
}

/**
 * Sets the activation PIN: from the factory PIN when the card says it is still the default, else with
 * RESET RETRY COUNTER and the (verified) derived PUK, which needs no knowledge of the old PIN. Verified
 * by VERIFY, which also leaves the PIN verified for the CSR signature.
 */
export async function setActivationPin(
  session: PivSession,
  puk: string,
  pin: string,
): Promise<'change' | 'reset-retry-counter'> {
  const method = (await isDefaultReference(session, KEY_REF.PIN)) === true ? 'change' : 'reset-retry-counter';
  if (method === 'change') await session.changePin(DEFAULT_PIN, pin);
  else await session.unblockPin(puk, pin);
  await session.verifyPin(pin);
  return method;
}

const SLOTS: Readonly<Record<CertificatePlan['slot'], number>> = { '9a': 0x9a, '9c': 0x9c, '9d': 0x9d, '9e': 0x9e };

/** The holder named in a certificate request. */
export interface CertificateHolder {
  readonly id: string;
  readonly upn: string;
  readonly displayName: string;
}

/** What a card template enrols: the slot, the key algorithm, and the request's subject and UPN SAN (with user variables). */
export interface CertificatePlan {
  readonly slot: '9a' | '9c' | '9d' | '9e';
  readonly algorithm: KeyAlgorithm;
  readonly subject: string;
  readonly upnSan: string;
}

/** Fills `${UserPrincipalName}`, `${DisplayName}`, `${UserId}` in a template's subject or SAN text. */
export function fillUser(text: string, user: CertificateHolder): string {
  return text
    .replaceAll('${UserPrincipalName}', user.upn)
    .replaceAll('${DisplayName}', user.displayName)
    .replaceAll('${UserId}', user.id);
}

/** A key generated on the card and the request for its certificate. */
export interface GeneratedRequest {
  /** The CSR, PEM, its signature verified. */
  readonly csrPem: string;
  /** The key's DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), for the registry. */
  readonly spki: Uint8Array;
}

/** Generates the template's key and a CSR the card signs (PIN verified before), verified. */
export async function generateKeyAndCsr(
  session: PivSession,
  certificate: CertificatePlan,
  user: CertificateHolder,
): Promise<GeneratedRequest> {
  const slot = SLOTS[certificate.slot];
  const algorithm: KeyAlgorithm = certificate.algorithm;
  const key = await session.generateKey(slot, algorithm);
  const upn = fillUser(certificate.upnSan, user);
  const extensions = upn ? [new SubjectAlternativeNameExtension([{ type: 'upn', value: upn }])] : [];
  const csr = await createCsr(slotSigner(session, slot, algorithm, key.spki), {
    subject: fillUser(certificate.subject, user),
    extensions,
  });
  if (!(await csr.verify()))
    throw cardStepError('VERIFY_FAILED', "The card's CSR signature does not verify.", { step: 'generate-key' });
  return { csrPem: csr.toString('pem'), spki: key.spki };
}

/**
 * Generates the Card Authentication key (9E, ECC P-256) that lets the card prove itself without its PIN
 * (SP 800-73-4 Part 1 §3.2.4), for the self-service unblock. Resolves with its DER SubjectPublicKeyInfo.
 */
export async function generateCardAuthenticationKey(session: PivSession): Promise<Uint8Array> {
  return (await session.generateKey(SLOTS['9e'], 'ECCP256')).spki;
}
