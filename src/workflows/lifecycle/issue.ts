/**
 * Lifecycle > Issued: bind a blank card to an Entra user under a card template.
 *
 * State machine (DESIGN.md "The card model"; each arrow is journalled before and after, see run.ts):
 *
 *   blank ──detect──► authenticate (factory key, or the derived key of an interrupted run); with the
 *                     factory key, SET MANAGEMENT KEY to that same key proves the card can change it
 *                     (SP 800-73-4 has no command for it; Yubico's INS FF): a card that cannot is refused
 *                     here, untouched (`MANAGEMENT_KEY_FIXED`, run closed as rolled back), because DESIGN.md
 *                     never leaves a management key at its default
 *         ──write-chuid──► GUID = holder's Entra object id (SP 800-73-4 Part 1 §3.1.2, tag 34)
 *         ──set-management-key──► derived key (AES-192 on YubiKeys, 3DES elsewhere)
 *         ──set-puk──► derived PUK          ──set-pin──► random activation PIN
 *         ──generate-key──► key + CSR (when the template enrols)  ──register──► registry `issued`, audit
 *         ──end (done)──► deliver the activation PIN (shown once, or emailed)
 *
 * Resume: the next attempt looks up the card's newest unfinished run and continues it under the same run
 * id. Nothing is trusted from the journal alone; every step asks the card:
 *   authenticate        GET METADATA 9B default flag, else try the factory key (then the change probe),
 *                       then the derived key;
 *   write-chuid         the CHUID's GUID already equals the user id → skipped;
 *   set-management-key  the derived key already authenticates → skipped;
 *   set-puk             metadata 81 default flag (or, without metadata, "the run got this far") decides
 *                       whether default→derived or derived→derived is tried first; a success proves it;
 *   set-pin             the activation PIN was never stored, so it is always set again: from 123456 when
 *                       metadata 80 says default, else RESET RETRY COUNTER with the derived PUK;
 *   generate-key        always redone (a new key and CSR replace a half-done one).
 * Roll back: when the card answers to neither key (or neither PUK) and an interrupted run of ours
 * touched it, a YubiKey is returned to blank (PIN and PUK blocked, RESET), the run is closed as
 * `rolled-back` and issuance starts over; other cards raise the error. The registry is written only in
 * `register`, after every card step was verified, so it never calls a half-issued card `issued`.
 */
import { isAppError } from '../../app-error';
import { openCard, planBinding, type CardHandle, type PlannedBinding } from '../../cards/card';
import { cardStepError } from '../../cards/card-error';
import { resetToBlank } from '../../cards/retire-steps';
import type { CardTemplateRecord } from '../../store/db';
import { lastUnfinishedRun } from '../../store/journal';
import type { CardTransport } from '../../cards/readers';
import { deliverActivationPin, type ActivationPinDelivery, type SendMail } from './deliver-pin';
import { detectStep, issueCardSteps, type IssueCardResult } from './issue-card-steps';
import { checkRegistry, register, type IssueUser } from './issue-registry';
import { LifecycleRun } from './run';
import { lifecycleError, type LifecycleOperator, type OnStep, type StepEvent } from './types';

export type { IssueUser } from './issue-registry';

/** What issuance needs. */
export interface IssueInput {
  readonly transport: CardTransport;
  readonly masterKey: CryptoKey;
  readonly template: CardTemplateRecord;
  readonly user: IssueUser;
  readonly operator: LifecycleOperator;
  readonly onStep?: OnStep;
  /** Sends the activation-PIN email (request-tap's `TapContext.sendMail`); needed for `email` delivery. */
  readonly sendMail?: SendMail;
}

/** What was done. `activationPin` is present once, for `show` delivery only. */
export interface IssueSummary {
  readonly cardId: string;
  readonly credentialType: string;
  readonly userId: string;
  readonly csrPem: string | null;
  readonly resumed: boolean;
  readonly rolledBack: boolean;
  readonly steps: readonly StepEvent[];
  readonly delivery: ActivationPinDelivery;
  readonly activationPin?: string;
}

/** True when a failure means "the card holds secrets we cannot reproduce". */
const unreproducible = (e: unknown) => isAppError(e, 'cards', 'CARD_FOREIGN') || isAppError(e, 'cards', 'PUK_UNKNOWN');

/** The card, its planned binding and the run this attempt journals into, after the checks that touch nothing. */
async function prepare(
  input: IssueInput,
): Promise<{ card: CardHandle; binding: PlannedBinding; run: LifecycleRun<'issue'> }> {
  const card = await openCard(input.transport);
  if (!input.template.allowedCredentialTypes.includes(card.kind)) {
    throw lifecycleError(
      'TEMPLATE_MISMATCH',
      `The template "${input.template.name}" does not apply to this credential type.`,
      { kind: card.kind },
    );
  }
  const binding = await planBinding(card, input.user.id);
  const { cardId } = binding.id;
  await checkRegistry(card, binding, input.user);
  const unfinished = await lastUnfinishedRun(cardId);
  if (unfinished && unfinished.operation !== 'issue')
    throw lifecycleError('RUN_UNFINISHED', `An interrupted ${unfinished.operation} must be finished first.`, {
      cardId,
      operation: unfinished.operation,
    });
  return { card, binding, run: LifecycleRun.begin(cardId, 'issue', input.onStep, unfinished) };
}

/**
 * Runs the card steps; when a resumed YubiKey run holds secrets this master key cannot reproduce, the
 * card is reset to blank, the run rolled back and the steps run again in a fresh run.
 */
async function runCardSteps(
  input: IssueInput,
  card: CardHandle,
  binding: PlannedBinding,
  first: LifecycleRun<'issue'>,
): Promise<{ run: LifecycleRun<'issue'>; rolledBack: boolean; done: IssueCardResult }> {
  const { id, planned } = binding;
  try {
    return { run: first, rolledBack: false, done: await issueCardSteps(input, card, first, id, planned) };
  } catch (e) {
    // Refused before any card write: nothing to resume, so the run is closed rather than left unfinished.
    if (isAppError(e, 'cards', 'MANAGEMENT_KEY_FIXED')) {
      await first.rollBack({ reason: e.code, cardUntouched: true });
      throw cardStepError('MANAGEMENT_KEY_FIXED', e.message, { ...e.fields, cardId: id.cardId }, e);
    }
    if (!(first.resumed && card.kind === 'yubikey' && unreproducible(e))) throw e;
    await resetToBlank(card.session);
    await first.rollBack({ reason: isAppError(e) ? e.code : 'UNEXPECTED' });
    const run = LifecycleRun.begin(id.cardId, 'issue', input.onStep);
    await detectStep(run, card, input.user);
    return { run, rolledBack: true, done: await issueCardSteps(input, card, run, { ...id, chuid: null }, planned) };
  }
}

/**
 * Issues the card in `transport` to `user` under `template` (see the state machine above). Resumes an
 * interrupted issuance of the same card; throws the card's or the journal's error otherwise.
 */
export async function issueCard(input: IssueInput): Promise<IssueSummary> {
  const { card, binding, run: first } = await prepare(input);
  const { cardId } = binding.id;
  await detectStep(first, card, input.user);
  const { run, rolledBack, done } = await runCardSteps(input, card, binding, first);
  await register(run, { card, cardId, user: input.user, template: input.template, operator: input.operator });
  await run.finish();
  const delivery = await deliverActivationPin(input, cardId, card.detected.typeName, done.pin);
  return {
    cardId,
    credentialType: card.detected.typeName,
    userId: input.user.id,
    csrPem: done.csrPem,
    resumed: run.resumed,
    rolledBack,
    steps: run.events,
    delivery,
    ...(delivery.method === 'show' ? { activationPin: done.pin } : {}),
  };
}
