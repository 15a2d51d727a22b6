/**
 * Undoing an issuance the card refused mid-way (issue 16: never half-issue). What the run may have changed
 * is put back in the reverse order of issuance, each part checked by the card's answer, so that the card
 * reads Blank again:
 *
 *   PIN    RESET RETRY COUNTER with the card's current PUK, new PIN 123456 (SP 800-73-4 Part 2 §3.2.3):
 *          the activation PIN need not be known, and the PIN's tries are full again
 *   PUK    CHANGE REFERENCE DATA derived → 12345678 (§3.2.2)
 *   9B     authenticated with the key the card holds (the factory key, or the derived one, answered by
 *          CardSecrets), then Yubico SET MANAGEMENT KEY to the factory value in the algorithm the card had,
 *          checked by authenticating with it. The change probe (issue-preconditions.ts) may have left the
 *          factory value in AES-192 on a 3DES card (YubiKey 5.4–5.6), so this part always runs
 *   CHUID  PUT DATA 5FC102 with the contents the card had (§3.3.1), or deleted when it had none
 *          (`PivSession.deleteObject`); nothing is written when the card still carries them
 *
 * Keys the run generated (GENERATE ASYMMETRIC KEY PAIR, §3.3.2) stay: PIV has no command that deletes a
 * key. No certificate names them (issuance writes none), and issuing the card again replaces them.
 */
import { bytesEqual } from '../bytes';
import { isAppError } from '../app-error';
import { KEY_REF, OBJECT_TAG, type ManagementKeyAlgorithm } from '../piv/constants';
import { orIfCardSays } from '../piv/errors';
import { DEFAULT_MANAGEMENT_KEY } from '../piv/management-key';
import type { PivSession } from '../piv/session';
import { authenticateAdmin } from './admin-key';
import type { CardHandle, CardIdentification } from './card';
import { cardStepError } from './card-error';
import type { CardSecrets } from './card-secrets';
import { DEFAULT_PIN, DEFAULT_PUK, isDefaultReference } from './pins';

/** Whether an error is the card refusing a command (a status word), not a transport fault: for workflows/. */
export { isCardRefusal } from '../piv/errors';

/** A part of the card an issuance changes, in the order the undo puts them back. */
export type UndoPart = 'pin' | 'puk' | 'management-key' | 'chuid';

/** What the run may have changed (a step begun counts, ended or not) and what the card had before it. */
export interface IssueUndoPlan {
  /** The CHUID object before the run's first write (null: none), `unknown` when no line kept it, or `untouched`. */
  readonly chuid: { readonly before: Uint8Array | null } | 'unknown' | 'untouched';
  /** The algorithm of the factory management key the card had before the run. */
  readonly managementAlgorithm: ManagementKeyAlgorithm;
  /** The PUK: the derived one (`set`), perhaps (`maybe`: its step began and did not end), or `untouched`. */
  readonly puk: 'set' | 'maybe' | 'untouched';
  /** True when the run began setting the activation PIN. */
  readonly pin: boolean;
}

/** What the undo did: the parts it changed back, and (when it stopped) the parts it could not do, with why. */
export interface IssueUndoOutcome {
  readonly restored: readonly UndoPart[];
  readonly left: readonly UndoPart[];
  readonly error?: unknown;
}

/** The CHUID object's contents as stored (5FC102, no decoding); null when the card has none (6A82, or empty). */
export async function readChuidObject(session: PivSession): Promise<Uint8Array | null> {
  const value = await orIfCardSays(() => session.readObject(OBJECT_TAG.CHUID), 'NOT_FOUND', null);
  return value?.length ? value : null;
}

/**
 * Puts back what `plan` says the run may have changed, in the order PIN, PUK, management key, CHUID;
 * `derivedPuk` gives the card's derived PUK (kept in memory by the run) when a part needs it. Stops at
 * the first part that fails: the outcome lists it and the parts after it as left.
 */
export async function undoIssue(
  card: CardHandle,
  secrets: CardSecrets,
  id: CardIdentification,
  plan: IssueUndoPlan,
  derivedPuk: () => Promise<string>,
): Promise<IssueUndoOutcome> {
  const { session } = card;
  let puk: Promise<string> | undefined;
  const currentPuk = () => (puk ??= pukOnCard(session, plan.puk, derivedPuk));
  const parts: [UndoPart, () => Promise<boolean>][] = [
    ['pin', async () => plan.pin && restorePin(session, currentPuk())],
    ['puk', () => restorePuk(session, plan.puk === 'untouched' ? DEFAULT_PUK : currentPuk())],
    ['management-key', () => restoreManagementKey(card, secrets, id, plan.managementAlgorithm)],
    ['chuid', () => restoreChuid(session, plan.chuid)],
  ];
  const restored: UndoPart[] = [];
  for (const [i, [part, undo]] of parts.entries()) {
    try {
      if (await undo()) restored.push(part);
    } catch (error) {
      return { restored, left: parts.slice(i).map(([p]) => p), error };
    }
  }
  return { restored, left: [] };
}

/**
 * The PUK the card holds now. When the run may have set it and the card keeps no metadata, CHANGE
 * REFERENCE DATA derived → derived tells: a wrong try is given back by factory → factory, which the
 * card answers with its tries reset (SP 800-73-4 Part 2 §3.2.2).
 */
async function pukOnCard(
  session: PivSession,
  state: IssueUndoPlan['puk'],
  derivedPuk: () => Promise<string>,
): Promise<string> {
  if (state === 'untouched') return DEFAULT_PUK;
  if (state === 'set') return derivedPuk();
  const isDefault = await isDefaultReference(session, KEY_REF.PUK);
  if (isDefault !== undefined) return isDefault ? DEFAULT_PUK : derivedPuk();
  const derived = await derivedPuk();
  try {
    await session.changePuk(derived, derived);
    return derived;
  } catch (e) {
    if (!isAppError(e, 'piv', 'PIN_INVALID')) throw e;
    await session.changePuk(DEFAULT_PUK, DEFAULT_PUK);
    return DEFAULT_PUK;
  }
}

/** RESET RETRY COUNTER with the PUK the card holds, new PIN the factory PIN. */
async function restorePin(session: PivSession, puk: Promise<string>): Promise<true> {
  await session.unblockPin(await puk, DEFAULT_PIN);
  return true;
}

/** CHANGE REFERENCE DATA from the PUK the card holds to the factory PUK; false when it already has it. */
async function restorePuk(session: PivSession, current: string | Promise<string>): Promise<boolean> {
  const puk = await current;
  if (puk === DEFAULT_PUK) return false;
  await session.changePuk(puk, DEFAULT_PUK);
  return true;
}

/** Back to the factory management key in `algorithm`, left authenticated with it; false when it already was. */
async function restoreManagementKey(
  card: CardHandle,
  secrets: CardSecrets,
  id: CardIdentification,
  algorithm: ManagementKeyAlgorithm,
): Promise<boolean> {
  const now = await authenticateAdmin(card, secrets, id, 'issue');
  if (now.state === 'default' && now.algorithm === algorithm) return false;
  await card.session.setManagementKey(algorithm, DEFAULT_MANAGEMENT_KEY.slice());
  await card.session.authenticate(DEFAULT_MANAGEMENT_KEY, algorithm);
  return true;
}

/** Back to the CHUID object the card had (management key authenticated); false when it still has it. */
async function restoreChuid(session: PivSession, chuid: IssueUndoPlan['chuid']): Promise<boolean> {
  if (chuid === 'untouched') return false;
  if (chuid === 'unknown')
    throw cardStepError('VERIFY_FAILED', 'The CHUID the card had before the issuance was not journalled.', {
      step: 'write-chuid',
    });
  const same = (a: Uint8Array | null) => (a && chuid.before ? bytesEqual(a, chuid.before) : a === chuid.before);
  if (same(await readChuidObject(session))) return false;
  if (chuid.before) await session.writeObject(OBJECT_TAG.CHUID, chuid.before);
  else await session.deleteObject(OBJECT_TAG.CHUID);
  if (!same(await readChuidObject(session)))
    throw cardStepError('VERIFY_FAILED', 'The CHUID read back is not the one the card had.', { step: 'write-chuid' });
  return true;
}
