/**
 * Lifecycle > Issued: bind a blank card to an Entra user under a card template.
 *
 * State machine (DESIGN.md "The card model"; each arrow is journalled before and after, see run.ts):
 *
 *   (before the run: a template whose key algorithm the card lacks is refused, `KEY_ALGORITHM_UNSUPPORTED`)
 *   blank ──detect──► authenticate (factory key, or the derived key of an interrupted run); with the
 *                     factory key every precondition of the writes is checked here, before the first one
 *                     (cards/issue-preconditions.ts): the PUK is the factory PUK, and SET MANAGEMENT KEY
 *                     (Yubico's INS FF; SP 800-73-4 has none) accepts the algorithm the derived key will
 *                     get, tried with the factory key value (AES refused → 3DES). A card that fails is
 *                     refused here, untouched (`MANAGEMENT_KEY_FIXED`, `MANAGEMENT_KEY_ALGORITHM_REFUSED`,
 *                     `PUK_NOT_FACTORY`; run closed as rolled back): DESIGN.md never leaves a management
 *                     key at its default, nor a CHUID naming a holder on a card that was not issued
 *         ──write-chuid──► GUID = holder's Entra object id (SP 800-73-4 Part 1 §3.1.2, tag 34)
 *         ──set-management-key──► derived key, in the algorithm the authenticate step found
 *         ──set-puk──► derived PUK          ──set-pin──► random activation PIN
 *         ──generate-key──► key + CSR (when the template enrols)
 *         ──register──► the service records `issued` with the binding, the template version, the management
 *                       key's algorithm and the public key (compare-and-set on the version read at the start)
 *         ──end (done)──► deliver the activation PIN (shown once, or emailed)
 *
 * Before anything is written, the service and the card are asked whose the card is (issue-registry.ts
 * `checkBinding`): a card bound to a holder and not retired, or one whose CHUID names a holder the
 * service has no record of, is refused, untouched.
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
 *   generate-key        redone (a new key and CSR replace a half-done one), unless the service already
 *                       recorded the issuance with its key: then kept;
 *   register            skipped when the service already holds the card as issued to this holder.
 * Roll back: a card refusing a step (a status word, not a transport fault) gets the run's work undone and
 * the run closed `rolled-back` (issue-rollback.ts): the next attempt starts afresh. A YubiKey answering to
 * neither key (or PUK) after an interrupted run of ours is reset to blank and issued in a fresh run. The
 * service records the card only in `register`, after every card step was verified, so it never calls a
 * half-issued card `issued`; the run ends only after it did (else `NOT_RECORDED`, and the next attempt resumes).
 */
import { isAppError } from '../../app-error';
import {
  chuidIdentification,
  legacyCardId,
  openCard,
  planBinding,
  type CardHandle,
  type PlannedBinding,
} from '../../cards/card';
import { REFUSED_UNTOUCHED, type CardStepErrorCode } from '../../cards/card-error';
import { cardHasKeyAlgorithm } from '../../cards/issue-preconditions';
import { isCardRefusal } from '../../cards/issue-undo';
import { resetToBlank } from '../../cards/retire-steps';
import type { CardTemplateRecord } from '../../store/db';
import { lastUnfinishedRun } from '../../store/journal';
import type { CardTransport } from '../../cards/readers';
import type { Card, Published } from '../ports';
import { deliverActivationPin, type ActivationPinDelivery, type SendMail } from './deliver-pin';
import { detectStep, issueCardSteps, type IssueCardResult } from './issue-card-steps';
import { checkBinding, issuedKeys, register, type IssueUser } from './issue-registry';
import { rollBackRefusal } from './issue-rollback';
import { alreadyRecorded, auditedRun, type FailureTarget } from './record';
import { LifecycleRun } from './run';
import { lifecycleError, type LifecyclePorts, type OnStep, type StepEvent } from './types';

export type { IssueUser } from './issue-registry';

/** What issuance needs. */
export interface IssueInput {
  readonly transport: CardTransport;
  /** The card template's id; its newest published version is read from `ports.templates`. */
  readonly templateId: string;
  readonly user: IssueUser;
  readonly ports: LifecyclePorts;
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
  /** The template version the service recorded the card under. */
  readonly templateVersion: number;
}

/** True when a failure means "the card holds secrets we cannot reproduce". */
const unreproducible = (e: unknown) => isAppError(e, 'cards', 'CARD_FOREIGN') || isAppError(e, 'cards', 'PUK_UNKNOWN');

/** Everything an attempt works with, fixed before the card is touched. */
interface Prepared {
  readonly card: CardHandle;
  readonly binding: PlannedBinding;
  readonly template: Published<CardTemplateRecord>;
  readonly current: Card | null;
  readonly run: LifecycleRun<'issue'>;
}

/**
 * The published template to issue under; `TEMPLATE_GONE` when it is not published or was withdrawn,
 * `TEMPLATE_MISMATCH` when it is not for this kind of card, `KEY_ALGORITHM_UNSUPPORTED` when it enrols a
 * key in an algorithm Detect did not find on the card (refused before the card is touched).
 */
async function publishedTemplate(input: IssueInput, card: CardHandle): Promise<Published<CardTemplateRecord>> {
  const { kind } = card;
  const template = await input.ports.templates.cardTemplate(input.templateId);
  if (!template)
    throw lifecycleError('TEMPLATE_GONE', 'The card template is not published, or was withdrawn.', {
      templateId: input.templateId,
    });
  if (!template.record.allowedCredentialTypes.includes(kind)) {
    throw lifecycleError(
      'TEMPLATE_MISMATCH',
      `The template "${template.record.name}" does not apply to this credential type.`,
      { kind },
    );
  }
  const algorithm = template.record.issue.certificate?.algorithm;
  if (algorithm && !cardHasKeyAlgorithm(card, algorithm))
    throw lifecycleError(
      'KEY_ALGORITHM_UNSUPPORTED',
      `The template "${template.record.name}" enrols a ${algorithm} key, which this card does not have.`,
      { algorithm, available: card.detected.capabilities.algorithms.join(', ') },
    );
  return template;
}

/**
 * What the service holds under the id an older Keyward gave a generic card (`chuid:<GUID hex>`, uploaded
 * from that browser's registry), for the safety check only: null for a YubiKey or a card without a CHUID.
 */
async function legacyRecord(input: IssueInput, binding: PlannedBinding): Promise<Card | null> {
  const legacy = binding.existing && legacyCardId(chuidIdentification(binding.existing));
  return legacy && binding.id.cardId.startsWith('chuid:') ? input.ports.registry.card(legacy) : null;
}

/** The card, its binding, its template, what the service holds, and the run; after the checks that touch nothing. */
async function prepare(input: IssueInput, target: FailureTarget): Promise<Prepared> {
  const card = await openCard(input.transport);
  const binding = await planBinding(card, input.user.id);
  const { cardId } = binding.id;
  target.cardId = cardId;
  target.holderName = input.user.displayName;
  const template = await publishedTemplate(input, card);
  const current = await input.ports.registry.card(cardId);
  if (current?.holder.name) target.holderName = current.holder.name;
  const unfinished = await lastUnfinishedRun(cardId);
  checkBinding(current ?? (await legacyRecord(input, binding)), binding, input.user, unfinished);
  if (unfinished && unfinished.operation !== 'issue')
    throw lifecycleError('RUN_UNFINISHED', `An interrupted ${unfinished.operation} must be finished first.`, {
      cardId,
      operation: unfinished.operation,
    });
  return { card, binding, template, current, run: LifecycleRun.begin(cardId, 'issue', input.onStep, unfinished) };
}

/**
 * Runs the card steps. A card refusal is rolled back (issue-rollback.ts); when a resumed YubiKey run holds
 * secrets this master key cannot reproduce, the card is reset to blank and the steps run in a fresh run.
 */
async function runCardSteps(
  input: IssueInput,
  p: Prepared,
  keepKeys: boolean,
): Promise<{ run: LifecycleRun<'issue'>; rolledBack: boolean; done: IssueCardResult }> {
  const { card, binding, run: first } = p;
  const { id, planned } = binding;
  const work = { secrets: input.ports.secrets, template: p.template.record, user: input.user, keepKeys, memory: {} };
  try {
    return { run: first, rolledBack: false, done: await issueCardSteps(work, card, first, id, planned) };
  } catch (e) {
    // Refused before any card write: nothing to resume, so the run is closed rather than left unfinished.
    if (isAppError(e, 'cards') && REFUSED_UNTOUCHED.has(e.code as CardStepErrorCode)) {
      await first.rollBack({ reason: e.code, cardUntouched: true });
      throw e;
    }
    // The card refused a step: undone, so the next attempt starts afresh (unless the service holds it as issued).
    if (isCardRefusal(e) && !keepKeys) await rollBackRefusal(first, card, work, id, e);
    if (!(first.resumed && card.kind === 'yubikey' && unreproducible(e))) throw e;
    await resetToBlank(card.session);
    await first.rollBack({ reason: isAppError(e) ? e.code : 'UNEXPECTED' });
    const run = LifecycleRun.begin(id.cardId, 'issue', input.onStep);
    await detectStep(run, card, input.user);
    const again = { ...work, keepKeys: false, memory: {} };
    return { run, rolledBack: true, done: await issueCardSteps(again, card, run, { ...id, chuid: null }, planned) };
  }
}

/**
 * Issues the card in `transport` to `user` under the published template `templateId` (see the state
 * machine above). Resumes an interrupted issuance of the same card; throws the card's, the service's or
 * the journal's error otherwise, after recording a refusal or failure in the audit trail.
 */
export function issueCard(input: IssueInput): Promise<IssueSummary> {
  return auditedRun(input.ports.audit, 'issue', async (target) => {
    const p = await prepare(input, target);
    const { card, template } = p;
    const { cardId } = p.binding.id;
    await detectStep(p.run, card, input.user);
    const recorded = alreadyRecorded(p.run, p.current, 'issued') && p.current?.holder.oid === input.user.id;
    const { run, rolledBack, done } = await runCardSteps(input, p, recorded);
    await register(run, input.ports, {
      card,
      user: input.user,
      template,
      chuidGuid: input.user.id,
      keys: issuedKeys(done, template.record),
      managementKeyAlgorithm: done.managementKeyAlgorithm,
      current: p.current,
    });
    await run.finish();
    const delivery = await deliverActivationPin(
      {
        template: template.record,
        user: input.user,
        ports: input.ports,
        ...(input.sendMail ? { sendMail: input.sendMail } : {}),
      },
      { cardId, serial: card.serial, credentialType: card.kind },
      done.pin,
    );
    return {
      cardId,
      credentialType: card.detected.typeName,
      userId: input.user.id,
      csrPem: done.csrPem,
      resumed: run.resumed,
      rolledBack,
      steps: run.events,
      delivery,
      templateVersion: template.version,
      ...(delivery.method === 'show' ? { activationPin: done.pin } : {}),
    };
  });
}
