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
import { appendAudit } from '../../store/audit';
import type { CardTemplateRecord } from '../../store/db';
import { getCard, putCard } from '../../store/registry';
import { lastUnfinishedRun } from '../../store/journal';
import { derivePuk } from '../../cards/admin-secrets';
import type { CardTransport } from '../../transport/card-transport';
import { isAppError } from '../../app-error';
import type { Chuid } from '../../piv/chuid';
import {
  authenticateAdmin,
  chuidIdentification,
  ensureManagementKeyChangeable,
  expiryYears,
  freshChuid,
  openCard,
  readChuidOrNull,
  registryRecordOf,
  type CardHandle,
  type CardIdentification,
} from './card';
import { deliverActivationPin, type ActivationPinDelivery, type SendMail } from './deliver-pin';
import {
  generateKeyAndCsr,
  setActivationPin,
  setDerivedManagementKey,
  setDerivedPuk,
  writeBinding,
} from './issue-steps';
import { activationPin } from './pins';
import { resetToBlank } from './reset';
import { LifecycleRun } from './run';
import { lifecycleError, type LifecycleOperator, type OnStep, type StepEvent } from './types';

/** The holder being issued to. */
export interface IssueUser {
  readonly id: string;
  readonly upn: string;
  readonly displayName: string;
}

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

/** The CHUID issuance writes: the card's own FASC-N kept (or a fresh one), GUID = the holder. `existing`: the card's CHUID now. */
async function plannedBinding(
  card: CardHandle,
  user: IssueUser,
): Promise<{ id: CardIdentification; planned: ReturnType<typeof freshChuid>; existing: Chuid | null }> {
  const existing = await readChuidOrNull(card.session);
  const planned = existing
    ? { ...existing, guid: user.id, expiration: expiryYears(5), signature: new Uint8Array(0) }
    : freshChuid(user.id);
  const id =
    card.serial !== null
      ? { cardId: `serial:${card.serial}`, identity: { serial: card.serial }, chuid: existing }
      : chuidIdentification(planned);
  return { id, planned, existing };
}

/** Refuses cards another holder has, or that are past issuance. */
async function checkRegistry(card: CardHandle, cardId: string, existing: Chuid | null, user: IssueUser): Promise<void> {
  // A generic card's record is looked up through the CHUID it carries (its FASC-N is kept), which also
  // moves a record an earlier version keyed by the holder's GUID.
  const record =
    card.serial === null && existing ? await registryRecordOf(chuidIdentification(existing)) : await getCard(cardId);
  if (!record || record.state === 'blank' || record.state === 'retired') return;
  if (record.state !== 'issued' || record.userId !== user.id) {
    throw lifecycleError(
      'CARD_BOUND',
      `This card is ${record.state} for another holder or already in use; retire it first.`,
      { cardId, state: record.state },
    );
  }
}

/** Authenticates as admin; a card still on its factory key must prove it can change it (see the state machine). */
async function authenticateChangeable(card: CardHandle, masterKey: CryptoKey, id: CardIdentification) {
  const auth = await authenticateAdmin(card, masterKey, id.identity);
  if (auth.state === 'default') await ensureManagementKeyChangeable(card, auth.algorithm);
  return auth;
}

/** Runs the card steps of one attempt; returns what the summary needs. */
async function cardSteps(
  input: IssueInput,
  card: CardHandle,
  run: LifecycleRun,
  id: CardIdentification,
  planned: ReturnType<typeof freshChuid>,
) {
  const { session } = card;
  const auth = await run.step(
    'authenticate',
    () => authenticateChangeable(card, input.masterKey, id),
    (r) => ({ keyState: r.state, algorithm: r.algorithm }),
  );
  await run.step(
    'write-chuid',
    () => writeBinding(session, planned),
    (r) => ({ binding: r, userId: input.user.id }),
  );
  if (auth.state === 'derived' && auth.algorithm === card.targetAlgorithm)
    await run.skip('set-management-key', { algorithm: auth.algorithm });
  else
    await run.step(
      'set-management-key',
      () => setDerivedManagementKey(card, input.masterKey, id),
      () => ({ algorithm: card.targetAlgorithm }),
    );
  const puk = await derivePuk(input.masterKey, id.identity);
  await run.step(
    'set-puk',
    () => setDerivedPuk(session, puk, run.startedBefore('set-puk')),
    (r) => ({ result: r }),
  );
  const pin = activationPin(input.template.issue.pinPolicy);
  await run.step(
    'set-pin',
    () => setActivationPin(session, puk, pin),
    (r) => ({ method: r }),
  );
  const cert = input.template.issue.certificate;
  const csrPem = cert
    ? await run.step(
        'generate-key',
        () => generateKeyAndCsr(session, cert, input.user),
        () => ({ slot: cert.slot, algorithm: cert.algorithm }),
      )
    : null;
  return { pin, csrPem };
}

async function register(input: IssueInput, card: CardHandle, run: LifecycleRun, cardId: string): Promise<void> {
  const now = new Date().toISOString();
  const { user, template } = input;
  await run.step(
    'register',
    () =>
      putCard({
        cardId,
        serial: card.serial,
        credentialType: card.detected.typeName,
        userId: user.id,
        userUpn: user.upn,
        userDisplayName: user.displayName,
        templateId: template.id,
        state: 'issued',
        issuedAt: now,
        activatedAt: null,
        retiredAt: null,
        updatedAt: now,
      }),
    () => ({ state: 'issued' }),
  );
  await appendAudit({
    at: now,
    actor: input.operator,
    action: 'card.issue',
    target: { userId: user.id, upn: user.upn, displayName: user.displayName },
    outcome: 'success',
    detail: cardId,
  });
}

/** True when a failure means "the card holds secrets we cannot reproduce". */
const unreproducible = (e: unknown) =>
  isAppError(e, 'workflows', 'CARD_FOREIGN') || isAppError(e, 'workflows', 'PUK_UNKNOWN');

/**
 * Issues the card in `transport` to `user` under `template` (see the state machine above). Resumes an
 * interrupted issuance of the same card; throws the card's or the journal's error otherwise.
 */
export async function issueCard(input: IssueInput): Promise<IssueSummary> {
  const card = await openCard(input.transport);
  if (!input.template.allowedCredentialTypes.includes(card.kind)) {
    throw lifecycleError(
      'TEMPLATE_MISMATCH',
      `The template "${input.template.name}" does not apply to this credential type.`,
      { kind: card.kind },
    );
  }
  const { id, planned, existing } = await plannedBinding(card, input.user);
  await checkRegistry(card, id.cardId, existing, input.user);
  const unfinished = await lastUnfinishedRun(id.cardId);
  if (unfinished && unfinished.operation !== 'issue')
    throw lifecycleError('RUN_UNFINISHED', `An interrupted ${unfinished.operation} must be finished first.`, {
      cardId: id.cardId,
      operation: unfinished.operation,
    });
  let run = LifecycleRun.begin(id.cardId, 'issue', input.onStep, unfinished);
  let rolledBack = false;
  await run.step(
    'detect',
    async () => card.detected.typeName,
    () => ({ credentialType: card.detected.typeName, serial: card.serial, userId: input.user.id }),
  );
  let done: Awaited<ReturnType<typeof cardSteps>>;
  try {
    done = await cardSteps(input, card, run, id, planned);
  } catch (e) {
    // Refused before any card write: nothing to resume, so the run is closed rather than left unfinished.
    if (isAppError(e, 'workflows', 'MANAGEMENT_KEY_FIXED')) {
      await run.rollBack({ reason: e.code, cardUntouched: true });
      throw lifecycleError('MANAGEMENT_KEY_FIXED', e.message, { ...e.fields, cardId: id.cardId }, e);
    }
    if (!(run.resumed && card.kind === 'yubikey' && unreproducible(e))) throw e;
    await resetToBlank(card.session);
    await run.rollBack({ reason: isAppError(e) ? e.code : 'UNEXPECTED' });
    rolledBack = true;
    run = LifecycleRun.begin(id.cardId, 'issue', input.onStep);
    await run.step(
      'detect',
      async () => card.detected.typeName,
      () => ({ credentialType: card.detected.typeName, serial: card.serial, userId: input.user.id }),
    );
    done = await cardSteps(input, card, run, { ...id, chuid: null }, planned);
  }
  await register(input, card, run, id.cardId);
  await run.finish();
  const delivery = await deliverActivationPin(input, id.cardId, card.detected.typeName, done.pin);
  return {
    cardId: id.cardId,
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
