/**
 * Lifecycle > Active: the holder proves the activation PIN and chooses their own PIN (CHANGE REFERENCE
 * DATA, SP 800-73-4 Part 2 §3.2.2); the service then records `active` (a compare-and-set on the version
 * read at the start; it audits it); if the template says so, a TAP is created and each Initiate Card
 * export email is sent (request-tap.ts).
 *
 * An Initiate Card email not sent automatically is held: the summary carries it, composed, with the pass
 * (its code in memory only) for the operator to send or not (held-email.ts), as Smart Card Unblock does.
 *
 * Steps: detect → verify-activation-pin → change-pin → register → create-tap → end.
 * Resume: when an interrupted run had started `change-pin`, the new PIN is tried first (VERIFY): if it
 * works, the change took and is skipped. A TAP create is never repeated (Graph replaces a pass silently):
 * an interrupted `create-tap` is reported as `unknown` for the operator to re-request. `register` is
 * skipped when the service already holds the card as active (recorded before the run could end).
 */
import type { CardTemplateRecord } from '../../store/db';
import { lastUnfinishedRun } from '../../store/journal';
import { AppError, isAppError } from '../../app-error';
import { identifyCard, openCard, type CardHandle } from '../../cards/card';
import { changeHolderPin, changeHolderPinOnReader, pinWorks, verifyActivationPin } from '../../cards/holder-pin-steps';
import { checkPinPolicy } from '../../cards/pins';
import type { CardTransport } from '../../cards/readers';
import type { TemporaryAccessPass } from '../../entra/tap';
import { getUser, type DirectoryUser } from '../../entra/users';
import { cardEmailValues, generatesAtActivation, initiateEmails, passRequest } from '../../relay-api/tap-rules';
import type { Card } from '../ports';
import { rememberCardPass } from '../card-pass';
import type { HeldEmail } from '../held-email';
import { requestTap, deliverTap, type Delivery, type TapContext } from '../request-tap';
import { alreadyRecorded, auditedRun, recordTransition, type FailureTarget } from './record';
import { LifecycleRun } from './run';
import { lifecycleError, type LifecyclePorts, type OnStep, type StepEvent } from './types';

/**
 * The holder's PINs as typed into Keyward, or `onReader`: typed on the reader's own keypad (a PIN-pad
 * reader), so Keyward never holds them.
 */
export type HolderPins =
  | { readonly activationPin: string; readonly newPin: string; readonly onReader?: false }
  | { readonly onReader: true; readonly activationPin?: undefined; readonly newPin?: undefined };

/** What activation needs: the holder's PINs only (no derived secret). */
export type ActivateInput = HolderPins & {
  readonly transport: CardTransport;
  readonly template: CardTemplateRecord;
  readonly ports: LifecyclePorts;
  readonly tapContext?: TapContext;
  readonly onStep?: OnStep;
  /** Ends a PIN entry on the reader's keypad (the page's Cancel) as `transport` `PIN_CANCELLED`. */
  readonly signal?: AbortSignal;
};

/**
 * One Initiate Card email: sent, failed, or held because its data-export template is not sent
 * automatically (*Send email automatically* off), which activation honours by leaving it to the operator.
 */
export type ActivationDelivery =
  Delivery | { readonly status: 'held'; readonly templateName: string; readonly exportTemplateId: string };

/**
 * The TAP part of the summary. The code is kept only in `held`, in memory, while an email is still for the
 * operator to send; the page takes it from there and forgets it with the summary.
 */
export type ActivationTap =
  | { readonly status: 'not-requested' }
  | {
      readonly status: 'created';
      readonly tapId: string;
      readonly deliveries: readonly ActivationDelivery[];
      /** Why the pass could not be recorded against the card (so retiring it will not remove it); null when it was. */
      readonly unrecorded: AppError | null;
      /** The held emails, composed, with the pass and its code: for the operator to send or not. */
      readonly held: readonly HeldEmail[];
    }
  | { readonly status: 'failed'; readonly code: string }
  | { readonly status: 'unknown' };

/** What was done. */
export interface ActivateSummary {
  readonly cardId: string;
  readonly userId: string;
  readonly resumed: boolean;
  readonly steps: readonly StepEvent[];
  readonly tap: ActivationTap;
}

/** An Initiate Card email that is not published (or was withdrawn): it could not be sent. */
const initiateEmailGone = (template: CardTemplateRecord, exportTemplateId: string) =>
  new AppError('workflows', 'TAP_DELIVER_TEMPLATE_GONE', 'An Initiate Card email template is not published.', {
    templateName: template.name,
    exportTemplateId,
  });

/**
 * The holder's directory entry, for a held email's preview (its To and names); the registry's names when
 * Graph cannot answer (the relay reads the directory itself when it sends).
 */
async function previewUser(ctx: TapContext, known: DirectoryUser): Promise<DirectoryUser> {
  try {
    return await getUser(ctx.graph, known.id);
  } catch {
    return known;
  }
}

/**
 * Each Initiate Card email of the template: sent at once, held for the operator (composed, with the pass),
 * or failed (not published). The email names the card as every email does: its serial, else its id.
 */
async function initiateDeliveries(
  { template, ports }: ActivateInput,
  ctx: TapContext,
  about: { user: DirectoryUser; tap: TemporaryAccessPass; card: Card },
): Promise<{ deliveries: ActivationDelivery[]; held: HeldEmail[] }> {
  const published = await ports.templates.exportTemplates();
  const deliveries: ActivationDelivery[] = [];
  const held: HeldEmail[] = [];
  let entry: Promise<DirectoryUser> | undefined;
  for (const email of initiateEmails(template, (id) => published.find((t) => t.record.id === id))) {
    if (email.status === 'held') {
      deliveries.push({ status: 'held', templateName: email.email.record.name, exportTemplateId: email.id });
      const user = await (entry ??= previewUser(ctx, about.user));
      held.push({ template: email.email, user, tap: about.tap, card: about.card, showCode: template.tap.showCode });
    } else if (email.status === 'send')
      deliveries.push(await deliverTap(ctx, about.user, about.tap, email.email, cardEmailValues(about.card)));
    else deliveries.push({ status: 'failed', error: initiateEmailGone(template, email.id) });
  }
  return { deliveries, held };
}

async function createInitiateTap(
  input: ActivateInput,
  run: LifecycleRun<'activate'>,
  record: Card,
): Promise<ActivationTap> {
  const user = { id: record.holder.oid, upn: record.holder.upn, displayName: record.holder.name };
  const { template, tapContext } = input;
  if (!generatesAtActivation(template)) return { status: 'not-requested' };
  if (run.startedBefore('create-tap')) return { status: 'unknown' };
  if (!tapContext)
    throw lifecycleError(
      'TAP_CONTEXT_MISSING',
      'The template creates a TAP at activation, but no signed-in operator context was given.',
    );
  const directoryUser: DirectoryUser = {
    ...{ givenName: null, surname: null, mail: null, otherMails: [], userType: null, accountEnabled: null },
    ...{ id: user.id, userPrincipalName: user.upn, displayName: user.displayName },
  };
  try {
    const request = passRequest(template.tap);
    const outcome = await run.step(
      'create-tap',
      () => requestTap(tapContext, directoryUser, { request, deliverWith: null }),
      (o) => ({ tapId: o.tap.id }),
    );
    // Recorded against the card (its id only), so retiring the card or reporting it lost removes it.
    const unrecorded = await rememberCardPass(input.ports.registry, record, outcome.tap);
    const emails = await initiateDeliveries(input, tapContext, { user: directoryUser, tap: outcome.tap, card: record });
    return { status: 'created', tapId: outcome.tap.id, unrecorded, ...emails };
  } catch (e) {
    return { status: 'failed', code: isAppError(e) ? e.code : 'UNEXPECTED' };
  }
}

/** The card's id, the service's record and the unfinished run; refused unless it is issued (or active with an interrupted activation). */
async function activatable(card: CardHandle, ports: LifecyclePorts, target: FailureTarget) {
  const id = await identifyCard(card);
  if (id) target.cardId = id.cardId;
  const record: Card | null = id ? await ports.registry.card(id.cardId) : null;
  if (record) target.holderName = record.holder.name;
  if (!id || !record || (record.state !== 'issued' && record.state !== 'active') || !record.holder.oid) {
    throw lifecycleError('NOT_ISSUED', 'This card is not issued, so it cannot be activated.', {
      cardId: id?.cardId ?? null,
      state: record?.state ?? null,
    });
  }
  const unfinished = await lastUnfinishedRun(id.cardId);
  if (record.state === 'active' && unfinished?.operation !== 'activate')
    throw lifecycleError('NOT_ISSUED', 'This card is already active.', { cardId: id.cardId, state: record.state });
  if (unfinished && unfinished.operation !== 'activate')
    throw lifecycleError('RUN_UNFINISHED', `An interrupted ${unfinished.operation} must be finished first.`, {
      cardId: id.cardId,
      operation: unfinished.operation,
    });
  return { id, record, unfinished };
}

/**
 * The PIN steps; skipped when an interrupted run's new PIN already works (the change took). On a PIN-pad
 * reader one CHANGE REFERENCE DATA typed on the keypad proves the activation PIN and sets the new one, so
 * `verify-activation-pin` is skipped; an interrupted run asks for it again (the card's tries guard it).
 */
async function pinSteps(run: LifecycleRun<'activate'>, card: CardHandle, input: ActivateInput): Promise<void> {
  const { session } = card;
  if (input.onReader) {
    await run.skip('verify-activation-pin', { onReader: true });
    await run.step('change-pin', () => changeHolderPinOnReader(session, input.template.issue.pinPolicy, input.signal));
    return;
  }
  if (run.startedBefore('change-pin') && (await pinWorks(session, input.newPin))) {
    await run.skip('verify-activation-pin');
    await run.skip('change-pin');
    return;
  }
  await run.step('verify-activation-pin', () => verifyActivationPin(session, input.activationPin));
  await run.step('change-pin', () => changeHolderPin(session, input.activationPin, input.newPin));
}

/** Activates the card in `transport` (see the steps above). Wrong activation PIN → `piv` `PIN_INVALID` `{ retriesLeft }`. */
export async function activateCard(input: ActivateInput): Promise<ActivateSummary> {
  if (!input.onReader) checkPinPolicy(input.newPin, input.template.issue.pinPolicy);
  return auditedRun(input.ports.audit, 'activate', async (target) => {
    const card = await openCard(input.transport);
    const { id, record, unfinished } = await activatable(card, input.ports, target);
    const run = LifecycleRun.begin(id.cardId, 'activate', input.onStep, unfinished);
    await run.step(
      'detect',
      async () => undefined,
      () => ({ credentialType: card.detected.typeName, userId: record.holder.oid }),
    );
    await pinSteps(run, card, input);
    await recordTransition(
      run,
      input.ports,
      { transition: 'activate', expectedVersion: record.version },
      { card: record, recorded: record.state === 'active' || alreadyRecorded(run, record, 'active') },
    );
    const tap = await createInitiateTap(input, run, record);
    await run.finish();
    return { cardId: id.cardId, userId: record.holder.oid, resumed: run.resumed, steps: run.events, tap };
  });
}
