/**
 * What issuance asks the card before it writes anything (DESIGN.md "The card model": the management-key
 * algorithm is what the card says, never assumed from the card family).
 *
 * The management key's algorithm, by what the fleet does (Yubico, "PIV management key" and yubikit
 * `piv.py` version checks):
 * - YubiKey NEO, 4 and 5 before 5.4: 3DES only; no GET METADATA before 5.3;
 * - YubiKey 5.4–5.6: SET MANAGEMENT KEY also takes AES-128/192/256, the factory key is 3DES;
 * - YubiKey 5.7 and later: the factory key is AES-192;
 * - other vendors' PIV applets copy some of Yubico's extensions, GET VERSION included, so a version is a
 *   claim: one answered 5.7.0, said 3DES in GET METADATA 9B and refused AES-192 with 6A80.
 *
 * Hence the target is chosen from GET METADATA 9B where the card answers it (an AES key stays in its
 * algorithm; a 3DES key on a card reporting 5.4 or later is offered AES-192 first), and SET MANAGEMENT
 * KEY is *tried with that target* and the factory key value before the first write: a refusal of the
 * algorithm (6A80 / 6A86) falls back to 3DES, a card without the command (6D00 / 6A81) is refused. A
 * card without metadata keeps 3DES: nothing on it could say later which algorithm its key has, and every
 * workflow after issuance authenticates with what GET METADATA says, else 3DES.
 */
import { isAppError } from '../app-error';
import { KEY_REF, type KeyAlgorithm, type ManagementKeyAlgorithm } from '../piv/constants';
import { ifCardHas, isNotSupported } from '../piv/errors';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';
import type { PivSession } from '../piv/session';
import { versionAtLeast, type FirmwareVersion } from '../piv/yubikey';
import type { CardHandle } from './card';
import { cardStepError } from './card-error';
import { DEFAULT_PUK } from './pins';

/** What the card said of its management key: the algorithm now, and whether GET METADATA 9B answered. */
export interface ManagementKeyFacts {
  readonly algorithm: ManagementKeyAlgorithm;
  readonly fromMetadata: boolean;
}

/** The algorithms to try for the derived management key, best first (see the table above). */
export function managementKeyCandidates(
  facts: ManagementKeyFacts,
  firmware: FirmwareVersion | null,
): ManagementKeyAlgorithm[] {
  if (facts.fromMetadata && facts.algorithm !== 'TDES') return [facts.algorithm];
  if (facts.fromMetadata && firmware && versionAtLeast(firmware, 5, 4)) return ['AES192', 'TDES'];
  return ['TDES'];
}

/** True when `e` is the card refusing the algorithm named in SET MANAGEMENT KEY (6A80, or 6A86). */
const algorithmRefused = (e: unknown) =>
  isAppError(e, 'piv', 'ALGORITHM_NOT_SUPPORTED') || isAppError(e, 'piv', 'PARAMETERS_NOT_SUPPORTED');

/**
 * With the factory management key authenticated (in `current`), finds the first of `candidates` that
 * SET MANAGEMENT KEY (Yubico INS FF; SP 800-73-4 has no command for it) accepts, by setting the factory
 * key value in that algorithm; the card keeps its factory key, now in the algorithm the derived key will
 * have, and that key is authenticated again (another applet need not keep the state across FF).
 *
 * `where` (the card id) goes into the error's fields.
 *
 * @throws `cards` `MANAGEMENT_KEY_FIXED` when the card has no SET MANAGEMENT KEY (6D00/6A81/6E00),
 *   `MANAGEMENT_KEY_ALGORITHM_REFUSED` when it refused every candidate; the card is unchanged then.
 */
export async function probeManagementAlgorithm(
  card: CardHandle,
  current: ManagementKeyAlgorithm,
  candidates: readonly ManagementKeyAlgorithm[],
  where: Readonly<Record<string, unknown>> = {},
): Promise<ManagementKeyAlgorithm> {
  const refused: ManagementKeyAlgorithm[] = [];
  for (const algorithm of candidates) {
    try {
      await card.session.setManagementKey(algorithm, DEFAULT_MANAGEMENT_KEY.slice());
    } catch (e) {
      if (algorithmRefused(e)) {
        refused.push(algorithm);
        await card.session.authenticate(DEFAULT_MANAGEMENT_KEY, current);
        continue;
      }
      if (!isNotSupported(e)) throw e;
      throw cardStepError(
        'MANAGEMENT_KEY_FIXED',
        "The card's management key is the factory default and the card offers no command to change it, so it is not issued.",
        { ...where, algorithm: current, kind: card.kind },
        e,
      );
    }
    await card.session.authenticate(DEFAULT_MANAGEMENT_KEY, algorithm);
    return algorithm;
  }
  throw cardStepError(
    'MANAGEMENT_KEY_ALGORITHM_REFUSED',
    `The card refused every management-key algorithm Keyward can set (${refused.join(', ')}), so it is not issued.`,
    { ...where, algorithm: current, refused: refused.join(','), kind: card.kind },
  );
}

/** `PUK_NOT_FACTORY`, with the tries left when known. */
function pukNotFactory(where: Readonly<Record<string, unknown>>, retriesLeft?: number, cause?: unknown) {
  return cardStepError(
    'PUK_NOT_FACTORY',
    'The card still has its factory management key, but its PUK is not the factory PUK, so it is not issued.',
    retriesLeft === undefined ? { ...where } : { ...where, retriesLeft },
    cause,
  );
}

/**
 * Refuses a card on its factory management key whose PUK is not the factory one (or is blocked): issuance
 * would write the binding and the management key and then fail to set the PUK. This half asks GET
 * METADATA 81, reading only: true when it says factory PUK, false when the card keeps no metadata (then
 * {@link proveFactoryPuk}, after the management-key probe, so a card refused there never sees it).
 *
 * @throws `cards` `PUK_NOT_FACTORY` `{ retriesLeft? }`.
 */
export async function factoryPukByMetadata(
  session: PivSession,
  where: Readonly<Record<string, unknown>> = {},
): Promise<boolean> {
  const meta = await ifCardHas(() => session.getMetadata(KEY_REF.PUK));
  if (meta?.retries?.remaining === 0) throw pukNotFactory(where, 0);
  if (meta?.isDefault === false) throw pukNotFactory(where, meta.retries?.remaining);
  return meta?.isDefault === true;
}

/**
 * The other half, for a card without metadata: CHANGE REFERENCE DATA from the factory PUK to itself
 * (SP 800-73-4 Part 2 §3.2.2) proves it and changes nothing; a wrong PUK costs the one try that setting
 * the derived PUK would have cost.
 *
 * @throws `cards` `PUK_NOT_FACTORY` `{ retriesLeft? }`.
 */
export async function proveFactoryPuk(
  session: PivSession,
  where: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  try {
    await session.changePuk(DEFAULT_PUK, DEFAULT_PUK);
  } catch (e) {
    if (isAppError(e, 'piv', 'PIN_INVALID') || isAppError(e, 'piv', 'PIN_BLOCKED'))
      throw pukNotFactory(where, typeof e.fields.retriesLeft === 'number' ? e.fields.retriesLeft : undefined, e);
    throw e;
  }
}

/** True when Detect found `algorithm` among the card's key algorithms. */
export function cardHasKeyAlgorithm(card: CardHandle, algorithm: KeyAlgorithm): boolean {
  return card.detected.capabilities.algorithms.includes(algorithm);
}
