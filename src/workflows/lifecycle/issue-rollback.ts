/**
 * Never half-issue (issue 16): when the card refuses a step of issuance (a status word: it lacks the
 * key algorithm, refuses a PUT DATA, a new PUK …), the run's journal says what may have changed, and
 * cards/issue-undo.ts puts it back: PIN, PUK, management key, CHUID. The run is then closed as
 * `rolled-back` and the refusal raised as `REFUSED_ROLLED_BACK`, so the next attempt starts afresh instead
 * of resuming into the same refusal. A transport fault (card pulled, USB error) is not a refusal: nobody
 * knows what the card did, so the run stays open and the next attempt resumes it, asking the card.
 *
 * What the undo needs is kept from before the first write:
 * - the CHUID object as it was (hex, or null for none) on the `write-chuid` `before` line: it names no
 *   secret, and a resumed run needs what the first attempt saw, not the CHUID it wrote;
 * - the factory management key's algorithm, on the `authenticate` `after` line (`keyState: default`);
 * - the derived PUK in memory only ({@link UndoMemory}); the activation PIN is not needed (RESET RETRY
 *   COUNTER sets 123456 with the PUK).
 * When the undo itself fails, the run stays open (`ROLLBACK_INCOMPLETE` names what may be left), and the
 * next attempt resumes it: forward if the card no longer refuses, else undone again.
 */
import type { AppError } from '../../app-error';
import { fromHex, toHex } from '../../bytes';
import type { CardHandle, CardIdentification } from '../../cards/card';
import { readChuidObject, undoIssue, type IssueUndoPlan } from '../../cards/issue-undo';
import type { CardSecrets } from '../../cards/card-secrets';
import type { CardTemplateRecord } from '../../store/db';
import type { LifecycleRun } from './run';
import { stepLabel } from './steps';
import { lifecycleError } from './types';

/** What an attempt keeps for an undo in memory, never in the journal: the derived PUK once released. */
export interface UndoMemory {
  puk?: string;
}

/** What the rollback works with. */
export interface RollbackWork {
  readonly secrets: CardSecrets;
  readonly template: CardTemplateRecord;
  readonly memory: UndoMemory;
}

const firstLine = (run: LifecycleRun<'issue'>, step: string, phase: 'before' | 'after') =>
  run.lines.find((l) => l.step === step && l.phase === phase);

/**
 * The `write-chuid` step's `before` line: the CHUID object the card carries before the first write, or
 * what the interrupted run this one continues saw then (nothing when that run kept no such line).
 */
export async function chuidBeforeWrite(
  run: LifecycleRun<'issue'>,
  card: CardHandle,
): Promise<{ chuidBefore?: string | null }> {
  const earlier = firstLine(run, 'write-chuid', 'before')?.detail;
  if (earlier) return 'chuidBefore' in earlier ? { chuidBefore: earlier.chuidBefore as string | null } : {};
  const now = await readChuidObject(card.session);
  return { chuidBefore: now && toHex(now) };
}

/** What the run may have changed, from its journal lines (a step begun counts). */
function undoPlan(run: LifecycleRun<'issue'>): IssueUndoPlan {
  const chuidLine = firstLine(run, 'write-chuid', 'before');
  const before = chuidLine?.detail?.chuidBefore;
  const chuid: IssueUndoPlan['chuid'] = !chuidLine
    ? 'untouched'
    : typeof before === 'string' || before === null
      ? { before: before === null ? null : fromHex(before) }
      : 'unknown';
  const auth = run.lines.filter((l) => l.step === 'authenticate' && l.phase === 'after');
  const factory = auth.find((l) => l.detail?.keyState === 'default') ?? auth.at(-1);
  const managementAlgorithm = (factory?.detail?.algorithm ?? 'TDES') as IssueUndoPlan['managementAlgorithm'];
  const puk = run.ended('set-puk') ? 'set' : run.began('set-puk') ? 'maybe' : 'untouched';
  return { chuid, managementAlgorithm, puk, pin: run.began('set-pin') };
}

/** The slots whose keys the run may have generated (they stay on the card). */
function generatedSlots(run: LifecycleRun<'issue'>, template: CardTemplateRecord): string[] {
  const slots: string[] = [];
  const slot = template.issue.certificate?.slot;
  if (slot && run.began('generate-key')) slots.push(slot);
  if (run.began('generate-card-auth-key')) slots.push('9e');
  return slots;
}

/** What both errors and the closing line say: the refused step and status word, what was put back, the keys left. */
function refusalFacts(run: LifecycleRun<'issue'>, refusal: AppError, restored: string, keysLeft: string) {
  const step = run.openStep ?? null;
  const sw = Number(refusal.fields.sw);
  const swHex = sw.toString(16).toUpperCase().padStart(4, '0');
  const fields = { cardId: run.cardId, step, stepLabel: step && stepLabel(step), sw, refused: refusal.code };
  return { swHex, fields: { ...fields, operation: refusal.fields.operation, restored, keysLeft } };
}

/**
 * Undoes what `run` did after the card refused (`refusal`, a PIV status-word error), closes the run as
 * rolled back and throws `REFUSED_ROLLED_BACK` (cause: the refusal). When the undo fails, the run stays
 * open and `ROLLBACK_INCOMPLETE` (cause: what failed) names the parts that may be left.
 */
export async function rollBackRefusal(
  run: LifecycleRun<'issue'>,
  card: CardHandle,
  work: RollbackWork,
  id: CardIdentification,
  refusal: AppError,
): Promise<never> {
  const { secrets, memory } = work;
  const derivedPuk = async () => (memory.puk ??= await secrets.puk(id, 'issue'));
  const { restored, left, error } = await undoIssue(card, secrets, id, undoPlan(run), derivedPuk);
  const keysLeft = generatedSlots(run, work.template).join(',');
  const { swHex, fields } = refusalFacts(run, refusal, restored.join(','), keysLeft);
  const refused = `The card refused ${fields.step ?? 'a step'} (SW ${swHex})`;
  if (left.length)
    throw lifecycleError(
      'ROLLBACK_INCOMPLETE',
      `${refused} and the undo stopped at ${left[0]}; the card may still carry: ${left.join(', ')}.`,
      { ...fields, left: left.join(',') },
      error,
    );
  await run.rollBack({ reason: refusal.code, step: fields.step, sw: swHex, restored: fields.restored, keysLeft });
  throw lifecycleError(
    'REFUSED_ROLLED_BACK',
    `${refused}; the issuance was undone, the card is as it was.`,
    fields,
    refusal,
  );
}
