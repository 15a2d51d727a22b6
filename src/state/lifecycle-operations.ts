/**
 * The card work behind each Lifecycle operation, as the Lifecycle page runs it: the workflows (loaded on
 * first use), their arguments, and the summary each one leaves for the dialog. PINs pass straight through.
 */
import type { ActivateSummary } from '../workflows/lifecycle/activate';
import type { IssueSummary } from '../workflows/lifecycle/issue';
import type { RetireSummary } from '../workflows/lifecycle/retire';
import type { StepEvent } from '../workflows/lifecycle/types';
import type { UnblockSummary } from '../workflows/lifecycle/unblock';
import {
  checkNewPin,
  templateOfCard,
  type Card,
  type CardTemplateRecord,
  type CardTransport,
} from '../workflows/lifecycle/inspect';
import type { LifecyclePorts } from '../workflows/lifecycle/types';
import { tapContext, type DirectoryUser, type SignedInAccount } from '../workflows/helpdesk';
import type { OperatorSession } from '../workflows/operator-session';
import type { HeldEmail } from '../workflows/held-email';
import type { TapContext } from '../workflows/request-tap';
import { revokeCardPass, type PassRevocation } from '../workflows/card-pass';

export type { PassRevocation };

/**
 * The system of record as the signed-in operator reaches it (the card registry, the audit trail, the
 * published templates). The composition root (src/main.ts) builds them from `OperatorSession.relay()`;
 * tests build them over the in-process relay.
 */
export type ServicePorts = (op: OperatorSession) => LifecyclePorts;

/** The pass context of `op`, auditing into the same trail as the rest of the operation. */
export function tapContextWith(op: OperatorSession, account: SignedInAccount, ports: LifecyclePorts): TapContext {
  return { ...tapContext(op, account), audit: ports.audit };
}

// The card operations (PIV, crypto, CSR with @peculiar/x509) load on first use, keeping the first screen small.
const operations = () =>
  Promise.all([
    import('../workflows/lifecycle/issue'),
    import('../workflows/lifecycle/activate'),
    import('../workflows/lifecycle/unblock'),
    import('../workflows/lifecycle/retire'),
  ]).then(([i, a, u, r]) => ({
    issueCard: i.issueCard,
    activateCard: a.activateCard,
    unblockCard: u.unblockCard,
    retireCard: r.retireCard,
  }));

/** What the summary dialog shows, per operation. */
export type LifecycleSummary =
  | {
      readonly operation: 'issue';
      readonly result: IssueSummary;
      readonly holder: string;
      readonly template: CardTemplateRecord;
    }
  | {
      readonly operation: 'activate';
      readonly result: ActivateSummary;
      readonly holder: string;
      readonly template: CardTemplateRecord;
    }
  | { readonly operation: 'unblock'; readonly result: UnblockSummary; readonly holder: string }
  | { readonly operation: 'retire'; readonly result: RetireSummary; readonly holder: string };

/**
 * The emails an activation left for the operator to send (each with the pass and its code), and the
 * summary without them, so the code lives only where the page holds those emails.
 */
export function takeHeldEmails(summary: LifecycleSummary): { summary: LifecycleSummary; held: readonly HeldEmail[] } {
  if (summary.operation !== 'activate' || summary.result.tap.status !== 'created') return { summary, held: [] };
  const tap = summary.result.tap;
  return { summary: { ...summary, result: { ...summary.result, tap: { ...tap, held: [] } } }, held: tap.held };
}

/** The card work of one operation, reporting each step. */
export type Work = (transport: CardTransport, onStep: (e: StepEvent) => void) => Promise<LifecycleSummary>;

/** An operation ready to run: its preconditions passed, nothing on the card touched yet. */
export interface PreparedWork {
  readonly template: CardTemplateRecord | null;
  readonly work: Work;
}

/** Runs `work` with the card to itself where the transport has to arrange that (the PC/SC bridge); a WebUSB reader is ours already. */
export const exclusively = <T>(transport: CardTransport, work: () => Promise<T>): Promise<T> =>
  transport.transaction ? transport.transaction(work) : work();

/** Issue: binds the card to `user` under the published `template`, as the re-authenticated `account`. */
export function issueWork(
  template: CardTemplateRecord,
  user: DirectoryUser,
  account: SignedInAccount,
  op: OperatorSession,
  ports: LifecyclePorts,
): Work {
  const holder = { id: user.id, upn: user.userPrincipalName, displayName: user.displayName ?? user.userPrincipalName };
  return async (transport, onStep) => {
    const result = await (
      await operations()
    ).issueCard({
      transport,
      templateId: template.id,
      user: holder,
      ports,
      onStep,
      sendMail: tapContext(op, account).sendMail,
    });
    return { operation: 'issue', result, holder: holder.displayName, template };
  };
}

/** The signed-in operator, where there is one, for the TAP an activation may create. */
export interface OperatorContext {
  readonly op: OperatorSession | null;
  readonly account: SignedInAccount | undefined;
}

/**
 * The holder's PINs as typed in the page, or `onReader`: typed on the PIN-pad reader's keypad, with the
 * page's Cancel as `signal`.
 */
export type TypedPins<P> = P | { readonly onReader: true; readonly signal: AbortSignal };

/** Activate: checks the new PIN against the card's template, then sets it and creates the TAP it asks for. */
export async function prepareActivate(
  record: Card,
  pins: TypedPins<{ activationPin: string; newPin: string; repeat: string }>,
  holder: string,
  { op, account }: OperatorContext,
  ports: LifecyclePorts,
): Promise<PreparedWork> {
  const template = await templateOfCard(record, ports.templates);
  if (!('onReader' in pins)) checkNewPin(pins.newPin, pins.repeat, template);
  const given =
    'onReader' in pins
      ? { onReader: true as const, signal: pins.signal }
      : { activationPin: pins.activationPin, newPin: pins.newPin };
  const ctx = op && account ? tapContextWith(op, account, ports) : undefined;
  return {
    template,
    work: async (transport, onStep) => ({
      operation: 'activate',
      holder,
      template,
      result: await (
        await operations()
      ).activateCard({
        transport,
        ...given,
        template,
        ports,
        onStep,
        ...(ctx ? { tapContext: ctx } : {}),
      }),
    }),
  };
}

/** Unblock: checks the new PIN, then sets it with the PUK derived for this card. */
export async function prepareUnblock(
  record: Card,
  pins: TypedPins<{ newPin: string; repeat: string }>,
  holder: string,
  ports: LifecyclePorts,
): Promise<PreparedWork> {
  const template = await templateOfCard(record, ports.templates);
  if (!('onReader' in pins)) checkNewPin(pins.newPin, pins.repeat, template);
  const given = 'onReader' in pins ? { onReader: true as const, signal: pins.signal } : { newPin: pins.newPin };
  return {
    template,
    work: async (transport, onStep) => ({
      operation: 'unblock',
      holder,
      result: await (await operations()).unblockCard({ transport, ...given, template, ports, onStep }),
    }),
  };
}

/**
 * Retire: keys destroyed and binding removed; the service records it as the signed-in operator's act,
 * then the pass Keyward created for the card is removed with Graph as that operator.
 */
export async function prepareRetire(
  holder: string,
  op: OperatorSession | null,
  ports: LifecyclePorts,
): Promise<PreparedWork> {
  const passContext = op ? { graph: op.graph(), audit: ports.audit } : undefined;
  return {
    template: null,
    work: async (transport, onStep) => ({
      operation: 'retire',
      holder,
      result: await (
        await operations()
      ).retireCard({ transport, ports, onStep, ...(passContext ? { passContext } : {}) }),
    }),
  };
}

/**
 * Tries again to remove the pass Keyward created for `cardId` (Graph refused when the card was retired or
 * reported lost), with Graph as the signed-in operator `op`; `holder` names the audit row. Never throws.
 */
export function removeCardPassAgain(
  ports: LifecyclePorts,
  op: OperatorSession | null,
  cardId: string,
  holder: string,
): Promise<PassRevocation> {
  const card = { cardId, holder: { oid: '', name: holder, upn: '' } };
  return revokeCardPass(op ? { graph: op.graph(), audit: ports.audit } : undefined, ports.registry, card);
}
