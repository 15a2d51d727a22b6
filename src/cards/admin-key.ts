/**
 * The card's management key (9B): authenticating with whichever key it holds now (the factory default
 * or the one derived for it), proving it can be changed, and setting the derived key.
 */
import { KEY_REF, type ManagementKeyAlgorithm } from '../piv/constants';
import { isNotSupported, orIfCardSays } from '../piv/errors';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';
import type { PivSession } from '../piv/session';
import type { CardHandle, CardIdentification } from './card';
import type { CardSecrets, SecretPurpose } from './card-secrets';
import { cardStepError } from './card-error';
import {
  factoryPukByMetadata,
  managementKeyCandidates,
  probeManagementAlgorithm,
  proveFactoryPuk,
} from './issue-preconditions';

/** Which management key the card holds. */
export type AdminKeyState = 'default' | 'derived';

/** The outcome of authenticating as the card's administrator. */
export interface AdminAuthentication {
  readonly state: AdminKeyState;
  readonly algorithm: ManagementKeyAlgorithm;
  /** True when GET METADATA 9B named the algorithm (else 3DES was assumed). */
  readonly fromMetadata: boolean;
}

/** Issuance's authentication: also the algorithm the derived management key gets (or has). */
export interface IssueAuthentication extends AdminAuthentication {
  readonly target: ManagementKeyAlgorithm;
}

/** The management key's algorithm and default flag from GET METADATA 9B; undefined where unsupported. */
async function managementMetadata(
  session: PivSession,
): Promise<{ algorithm: ManagementKeyAlgorithm; isDefault: boolean | undefined } | undefined> {
  const m = await orIfCardSays(() => session.getMetadata(KEY_REF.MANAGEMENT), isNotSupported, undefined);
  return m && { algorithm: (m.algorithm ?? 'TDES') as ManagementKeyAlgorithm, isDefault: m.isDefault };
}

/** True when `attempt` authenticates; false when the card refuses the key (a wrong management key has no retry counter). */
function accepted(attempt: () => Promise<void>): Promise<boolean> {
  return orIfCardSays(() => attempt().then(() => true), 'AUTH_FAILED', false);
}

/**
 * Authenticates with the management key the card holds now: the factory default (3DES or AES-192 per
 * GET METADATA 9B) or the key derived for this card, answered by `secrets` for `purpose`. `CARD_FOREIGN`
 * when it is neither.
 */
export async function authenticateAdmin(
  card: CardHandle,
  secrets: CardSecrets,
  id: CardIdentification,
  purpose: SecretPurpose,
): Promise<AdminAuthentication> {
  const meta = await managementMetadata(card.session);
  const algorithm = meta?.algorithm ?? 'TDES';
  const fromMetadata = meta !== undefined;
  if (meta?.isDefault !== false && (await accepted(() => card.session.authenticate(DEFAULT_MANAGEMENT_KEY, algorithm))))
    return { state: 'default', algorithm, fromMetadata };
  if (await derivedKeyWorks(card, secrets, id, algorithm, purpose))
    return { state: 'derived', algorithm, fromMetadata };
  throw cardStepError(
    'CARD_FOREIGN',
    'The card holds a management key that is neither the factory default nor the one derived for it.',
    { algorithm },
  );
}

/**
 * Issuance's first card step, where every precondition is checked before the first write: authenticates
 * as admin; a card still on its factory key must have its factory PUK and accept SET MANAGEMENT KEY with
 * the algorithm its derived key will get (issue-preconditions.ts). A card already on its derived key
 * (an interrupted run of ours got past `set-management-key`) keeps that key's algorithm.
 */
export async function authenticateChangeable(
  card: CardHandle,
  secrets: CardSecrets,
  id: CardIdentification,
): Promise<IssueAuthentication> {
  const auth = await authenticateAdmin(card, secrets, id, 'issue');
  if (auth.state === 'derived') return { ...auth, target: auth.algorithm };
  const where = { cardId: id.cardId };
  const pukKnown = await factoryPukByMetadata(card.session, where);
  const candidates = managementKeyCandidates(auth, card.firmware);
  const target = await probeManagementAlgorithm(card, auth.algorithm, candidates, where);
  if (!pukKnown) await proveFactoryPuk(card.session, where);
  return { ...auth, target };
}

/** True when the key derived for this card (with `algorithm`) authenticates; the key itself stays with `secrets`. */
export async function derivedKeyWorks(
  card: CardHandle,
  secrets: CardSecrets,
  id: CardIdentification,
  algorithm: ManagementKeyAlgorithm,
  purpose: SecretPurpose,
): Promise<boolean> {
  return accepted(() => card.session.authenticateWith(secrets.managementResponder(id, algorithm, purpose), algorithm));
}

/**
 * Sets the derived management key in `algorithm` (the target `authenticateChangeable` found the card to
 * accept), verified by authenticating with it. A refusal here means the card accepted the probe and
 * refuses now: it propagates, leaving the run unfinished for the next attempt to resume.
 */
export async function setDerivedManagementKey(
  card: CardHandle,
  secrets: CardSecrets,
  id: CardIdentification,
  algorithm: ManagementKeyAlgorithm,
): Promise<void> {
  const key = await secrets.managementKey(id, algorithm);
  try {
    await card.session.setManagementKey(algorithm, key);
  } finally {
    key.fill(0);
  }
  if (!(await derivedKeyWorks(card, secrets, id, algorithm, 'issue'))) {
    throw cardStepError('VERIFY_FAILED', 'The new management key does not authenticate.', {
      step: 'set-management-key',
    });
  }
}
