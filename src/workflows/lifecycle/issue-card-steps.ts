/**
 * Issuance's card steps in their journalled run: each card step of cards/ between a `before` and an
 * `after` line (see the state machine in issue.ts).
 */
import { authenticateChangeable, setDerivedManagementKey } from '../../cards/admin-key';
import type { CardHandle, CardIdentification, PlannedBinding } from '../../cards/card';
import type { CardSecrets } from '../../cards/card-secrets';
import {
  generateCardAuthenticationKey,
  generateKeyAndCsr,
  setActivationPin,
  setDerivedPuk,
  writeBinding,
} from '../../cards/issue-steps';
import { activationPin } from '../../cards/pins';
import type { IssueAuthentication } from '../../cards/admin-key';
import type { CardTemplateRecord } from '../../store/db';
import type { IssueUser } from './issue-registry';
import { chuidBeforeWrite, type UndoMemory } from './issue-rollback';
import type { LifecycleRun } from './run';

/** What the card steps work with. */
export interface IssueWork {
  readonly secrets: CardSecrets;
  readonly template: CardTemplateRecord;
  readonly user: IssueUser;
  /**
   * The service already recorded this card's issuance with its keys (an interrupted run that got that
   * far): the key is kept, not generated again, so the registry's public key stays the card's.
   */
  readonly keepKeys?: boolean;
  /** What an undo needs and the journal must not hold (issue-rollback.ts), filled in as the steps run. */
  readonly memory: UndoMemory;
}

/** What the card steps leave: the activation PIN (in memory only), the CSR, the generated key's SPKI and the management key's algorithm. */
export interface IssueCardResult {
  readonly pin: string;
  readonly csrPem: string | null;
  readonly spki: Uint8Array | null;
  /** The Card Authentication key's (9E) SPKI, when the template allows the self-service unblock. */
  readonly cardAuthSpki?: Uint8Array | null;
  /** What the card took for its derived management key (asked of it in the authenticate step). */
  readonly managementKeyAlgorithm: IssueAuthentication['target'];
}

/** The `detect` step (the facts fixed at the run's start). */
export async function detectStep(run: LifecycleRun<'issue'>, card: CardHandle, user: IssueUser): Promise<void> {
  await run.step(
    'detect',
    async () => card.detected.typeName,
    () => ({ credentialType: card.detected.typeName, serial: card.serial, userId: user.id }),
  );
}

/** Runs the card steps of one attempt, from authentication to the key and CSR. */
export async function issueCardSteps(
  work: IssueWork,
  card: CardHandle,
  run: LifecycleRun<'issue'>,
  id: CardIdentification,
  planned: PlannedBinding['planned'],
): Promise<IssueCardResult> {
  const { session } = card;
  const auth = await run.step(
    'authenticate',
    () => authenticateChangeable(card, work.secrets, id),
    (r) => ({ keyState: r.state, algorithm: r.algorithm, target: r.target }),
  );
  // Asked before the first write: a relay that will not release this card's secrets (no card keys, the
  // card registered to someone else, the caller not an operator) refuses here, with the card untouched.
  const puk = await work.secrets.puk(id, 'issue');
  work.memory.puk = puk;
  await run.step(
    'write-chuid',
    () => writeBinding(session, planned),
    (r) => ({ binding: r, userId: work.user.id }),
    await chuidBeforeWrite(run, card),
  );
  if (auth.state === 'derived') await run.skip('set-management-key', { algorithm: auth.algorithm });
  else
    await run.step(
      'set-management-key',
      () => setDerivedManagementKey(card, work.secrets, id, auth.target),
      () => ({ algorithm: auth.target }),
    );
  await run.step(
    'set-puk',
    () => setDerivedPuk(session, puk, run.startedBefore('set-puk')),
    (r) => ({ result: r }),
  );
  const pin = activationPin(work.template.issue.pinPolicy);
  await run.step(
    'set-pin',
    () => setActivationPin(session, puk, pin),
    (r) => ({ method: r }),
  );
  const cert = work.template.issue.certificate;
  const managementKeyAlgorithm = auth.target;
  let generated: { csrPem: string | null; spki: Uint8Array | null } = { csrPem: null, spki: null };
  if (cert && work.keepKeys) await run.skip('generate-key', { slot: cert.slot, recorded: true });
  else if (cert)
    generated = await run.step(
      'generate-key',
      () => generateKeyAndCsr(session, cert, work.user),
      () => ({ slot: cert.slot, algorithm: cert.algorithm }),
    );
  return { pin, ...generated, managementKeyAlgorithm, cardAuthSpki: await cardAuthKeyStep(work, session, run) };
}

/**
 * The `generate-card-auth-key` step, when the template allows the self-service unblock and its
 * certificate is not itself in 9E: a Card Authentication key the registry records with the card.
 */
async function cardAuthKeyStep(
  work: IssueWork,
  session: CardHandle['session'],
  run: LifecycleRun<'issue'>,
): Promise<Uint8Array | null> {
  const { issue } = work.template;
  if (!issue.selfServiceUnblock || issue.certificate?.slot === '9e') return null;
  if (work.keepKeys) {
    await run.skip('generate-card-auth-key', { slot: '9e', recorded: true });
    return null;
  }
  return run.step(
    'generate-card-auth-key',
    () => generateCardAuthenticationKey(session),
    () => ({ slot: '9e', algorithm: 'ECCP256' }),
  );
}
