/**
 * The card's management key (9B): authenticating with whichever key it holds now (the factory default
 * or the one derived for it), proving it can be changed, and setting the derived key.
 */
import { isAppError } from '../app-error';
import { KEY_REF, type ManagementKeyAlgorithm } from '../piv/constants';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';
import type { PivSession } from '../piv/session';
import { deriveManagementKey, type CardIdentity } from './admin-secrets';
import type { CardHandle, CardIdentification } from './card';
import { cardStepError } from './card-error';

/** Which management key the card holds. */
export type AdminKeyState = 'default' | 'derived';

/** The outcome of authenticating as the card's administrator. */
export interface AdminAuthentication {
  readonly state: AdminKeyState;
  readonly algorithm: ManagementKeyAlgorithm;
}

/** The management key's algorithm and default flag from GET METADATA 9B; undefined where unsupported. */
async function managementMetadata(
  session: PivSession,
): Promise<{ algorithm: ManagementKeyAlgorithm; isDefault: boolean | undefined } | undefined> {
  try {
    const m = await session.getMetadata(KEY_REF.MANAGEMENT);
    return { algorithm: (m.algorithm ?? 'TDES') as ManagementKeyAlgorithm, isDefault: m.isDefault };
  } catch (e) {
    if (isAppError(e, 'piv', 'NOT_SUPPORTED')) return undefined;
    throw e;
  }
}

/** Authenticates with `key`; false when the card refuses it (a wrong management key has no retry counter). */
async function tryKey(session: PivSession, key: Uint8Array, algorithm: ManagementKeyAlgorithm): Promise<boolean> {
  try {
    await session.authenticate(key, algorithm);
    return true;
  } catch (e) {
    if (isAppError(e, 'piv', 'AUTH_FAILED')) return false;
    throw e;
  }
}

/**
 * Authenticates with the management key the card holds now: the factory default (3DES or AES-192 per
 * GET METADATA 9B) or the key derived for this card. `CARD_FOREIGN` when it is neither.
 */
export async function authenticateAdmin(
  card: CardHandle,
  masterKey: CryptoKey,
  identity: CardIdentity,
): Promise<AdminAuthentication> {
  const meta = await managementMetadata(card.session);
  const algorithm = meta?.algorithm ?? 'TDES';
  if (meta?.isDefault !== false && (await tryKey(card.session, DEFAULT_MANAGEMENT_KEY, algorithm)))
    return { state: 'default', algorithm };
  if (await derivedKeyWorks(card, masterKey, identity, algorithm)) return { state: 'derived', algorithm };
  throw cardStepError(
    'CARD_FOREIGN',
    'The card holds a management key that is neither the factory default nor the one derived for it.',
    { algorithm },
  );
}

/**
 * Refuses, before anything is written, a card that would keep its factory management key: SP 800-73-4
 * defines no command to change the 9B key, so the only way is Yubico's SET MANAGEMENT KEY (INS FF). It is
 * tried here with the factory key the card already holds (just authenticated, `algorithm` as there), a
 * no-op where supported; a card without it answers 6D00/6A81 → `MANAGEMENT_KEY_FIXED`. Afterwards the
 * factory key authenticates again: a YubiKey keeps the authenticated state across SET MANAGEMENT KEY
 * (Yubico .NET SDK, PivSession.TryChangeManagementKey remarks), but another card offering INS FF need not.
 */
export async function ensureManagementKeyChangeable(
  card: CardHandle,
  algorithm: ManagementKeyAlgorithm,
): Promise<void> {
  try {
    await card.session.setManagementKey(algorithm, DEFAULT_MANAGEMENT_KEY.slice());
  } catch (e) {
    if (!isAppError(e, 'piv', 'NOT_SUPPORTED')) throw e;
    throw cardStepError(
      'MANAGEMENT_KEY_FIXED',
      "The card's management key is the factory default and the card offers no command to change it, so it is not issued.",
      { algorithm, kind: card.kind },
      e,
    );
  }
  await card.session.authenticate(DEFAULT_MANAGEMENT_KEY, algorithm);
}

/** Issuance's first card step: authenticates as admin; a card still on its factory key must prove it can change it. */
export async function authenticateChangeable(
  card: CardHandle,
  masterKey: CryptoKey,
  identity: CardIdentity,
): Promise<AdminAuthentication> {
  const auth = await authenticateAdmin(card, masterKey, identity);
  if (auth.state === 'default') await ensureManagementKeyChangeable(card, auth.algorithm);
  return auth;
}

/** True when the key derived for this card (with `algorithm`) authenticates. */
export async function derivedKeyWorks(
  card: CardHandle,
  masterKey: CryptoKey,
  identity: CardIdentity,
  algorithm: ManagementKeyAlgorithm,
): Promise<boolean> {
  const derived = await deriveManagementKey(masterKey, identity, algorithm);
  try {
    return await tryKey(card.session, derived, algorithm);
  } finally {
    derived.fill(0);
  }
}

/**
 * Sets the derived management key (after `authenticateChangeable`, which refused cards without SET
 * MANAGEMENT KEY), verified by authenticating with it. A piv-layer `NOT_SUPPORTED` here means the card
 * accepted the probe and refuses now: it propagates, leaving the run unfinished, since the binding is
 * already written.
 */
export async function setDerivedManagementKey(
  card: CardHandle,
  masterKey: CryptoKey,
  id: CardIdentification,
): Promise<void> {
  const algorithm = card.targetAlgorithm;
  const key = await deriveManagementKey(masterKey, id.identity, algorithm);
  try {
    await card.session.setManagementKey(algorithm, key);
  } finally {
    key.fill(0);
  }
  if (!(await derivedKeyWorks(card, masterKey, id.identity, algorithm))) {
    throw cardStepError('VERIFY_FAILED', 'The new management key does not authenticate.', {
      step: 'set-management-key',
    });
  }
}
