/**
 * Actions > Smart Card Unblock > Request TAP Code: create a Temporary Access Pass for a user, and show it
 * to the operator and/or deliver it with a data-export email.
 *
 * The code exists only in the returned object, in memory: it is never stored, logged or audited. The
 * service's audit trail records `tap.create` and `mail.send` on the user (the relay cannot see Graph). A create is sent once; if its answer is lost, the error says so rather than
 * retrying, because a second create would silently replace the pass.
 */
import { isAppError, AppError } from '../app-error';
import type { GraphTransport } from '../entra/graph-adapter';
import { createTap, listTaps, type TemporaryAccessPass, type TapRequest } from '../entra/tap';
import type { DirectoryUser } from '../entra/users';
import type { TemplateValues } from '../mail/template';
import { templateRef, type MailReceipt, type MailRequestBody } from '../relay-api/mail';
import { passEmailValues } from '../relay-api/tap-rules';
import type { ExportTemplateRecord } from '../store/db';
import { failed, recordQuietly, succeeded, userTarget } from './audit-entries';
import type { AuditLog, Published } from './ports';

/** Who is acting, for the audit. */
export interface Operator {
  readonly oid: string;
  readonly name: string;
  readonly upn: string;
}

/** What the request needs from outside. */
export interface TapContext {
  readonly graph: GraphTransport;
  readonly operator: Operator;
  /** The service's audit trail, as the operator. */
  readonly audit: AuditLog;
  /**
   * Sends a published data-export email through the relay (sendExportEmail bound to the relay and a
   * token): the relay renders the template version named, with these values.
   */
  readonly sendMail: (request: MailRequestBody, idempotencyKey: string) => Promise<MailReceipt>;
}

/** A data-export template as published: the relay sends it by id and version. */
export type DeliveryTemplate = Published<ExportTemplateRecord>;

/** How to deliver and what to ask Graph for. */
export interface TapPlan {
  readonly request: TapRequest;
  /** The data-export template to send at once, or null (shown only, or sent later by the operator). */
  readonly deliverWith: DeliveryTemplate | null;
  /** Card variables for the email (`CardSerial`, `CredentialType`), when the pass is for a card. */
  readonly cardValues?: TemplateValues;
}

/** The outcome of a delivery. */
export type Delivery =
  { readonly status: 'sent'; readonly receipt: MailReceipt } | { readonly status: 'failed'; readonly error: AppError };

/** The created pass, with its code, and what happened to the email. */
export interface TapOutcome {
  readonly tap: TemporaryAccessPass;
  readonly delivery: Delivery | null;
}

/** The user's current pass (at most one), without its code. */
export async function currentTap(graph: GraphTransport, userId: string): Promise<TemporaryAccessPass | null> {
  return (await listTaps(graph, userId))[0] ?? null;
}

const target = (user: DirectoryUser) =>
  userTarget({ id: user.id, displayName: user.displayName, upn: user.userPrincipalName });

/** Creates the pass (replacing any existing one) and, when planned, sends the email. */
export async function requestTap(ctx: TapContext, user: DirectoryUser, plan: TapPlan): Promise<TapOutcome> {
  let tap: TemporaryAccessPass;
  try {
    tap = await createTap(ctx.graph, user.id, plan.request);
  } catch (e) {
    await recordQuietly(ctx.audit, failed('tap.create', target(user), e));
    throw e;
  }
  await recordQuietly(ctx.audit, succeeded('tap.create', target(user)));
  const delivery = plan.deliverWith ? await deliverTap(ctx, user, tap, plan.deliverWith, plan.cardValues) : null;
  return { tap, delivery };
}

/**
 * Sends (or re-sends) the email for a pass still held in memory. The idempotency key is derived from the
 * pass and the template, so a repeated attempt never sends a second message.
 */
export async function deliverTap(
  ctx: TapContext,
  user: DirectoryUser,
  tap: TemporaryAccessPass,
  template: DeliveryTemplate,
  cardValues: TemplateValues = {},
): Promise<Delivery> {
  if (!tap.temporaryAccessPass) {
    return {
      status: 'failed',
      error: new AppError(
        'workflows',
        'TAP_CODE_GONE',
        'The code of this pass is no longer held; request a new pass to deliver one.',
      ),
    };
  }
  try {
    const receipt = await ctx.sendMail(
      { template: templateRef(template), targetUserId: user.id, values: { ...cardValues, ...passEmailValues(tap) } },
      `tap-${tap.id}-${template.record.id}-${template.version}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128),
    );
    await recordQuietly(ctx.audit, succeeded('mail.send', target(user)));
    return { status: 'sent', receipt };
  } catch (e) {
    const error = isAppError(e) ? e : new AppError('workflows', 'UNEXPECTED', String(e), {}, { cause: e });
    await recordQuietly(ctx.audit, failed('mail.send', target(user), error));
    return { status: 'failed', error };
  }
}
