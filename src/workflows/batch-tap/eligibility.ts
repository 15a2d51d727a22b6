/**
 * Who a Batch TAP may create a pass for, and why not (the preview). Pure: the preview gathers, for each
 * user, their directory entry, their passes, their directory roles and what their cards' templates allow
 * (workflows/operator-tap.ts, the same rules as Smart Card Unblock), and this decides.
 *
 * A user is skipped, with words, when: a guest; the operator themself; the account is disabled; they have
 * no mail (a batch pass is only ever emailed, never shown); they hold a directory role and the operator is
 * not a Privileged Authentication Administrator (Graph would refuse); they already hold a pass that is
 * usable or not yet valid (a new one would silently replace it); their passes could not be read; no card
 * of theirs is under a template that lets operators generate passes (or under the chosen template); or
 * that template has no Deliver email, or its Deliver email is not sent automatically (*Send email
 * automatically* off holds an email for the operator to send; a batch has nobody to do that).
 */
import { AppError } from '../../app-error';
import type { TemporaryAccessPass } from '../../entra/tap';
import type { DirectoryUser } from '../../entra/users';
import { sendsAutomatically } from '../../relay-api/tap-rules';
import { userTapRefusal, type CardTapVerdict, type OperatorTapGrant } from '../operator-tap';

/** What the preview knows about one user. */
export interface Candidate {
  readonly user: DirectoryUser;
  /** The user's passes (without codes); null when they could not be read. */
  readonly passes: readonly TemporaryAccessPass[] | null;
  /** Directory role template ids the user holds. */
  readonly roleTemplateIds: readonly string[];
  /** What each of the user's governing cards' templates allows (operator-tap.ts `cardTapVerdict`). */
  readonly verdicts: readonly CardTapVerdict[];
}

/** The operator running the batch. */
export interface BatchOperator {
  readonly oid: string;
  /** Privileged Authentication Administrator or Global Administrator: may act on admins too. */
  readonly includingAdmins: boolean;
}

/** A user's place in the batch: a grant (the card template's options), or the reason to skip them. */
export type Eligibility =
  | { readonly user: DirectoryUser; readonly grant: OperatorTapGrant; readonly refusal: null }
  | { readonly user: DirectoryUser; readonly grant: null; readonly refusal: AppError };

const skipUser = (
  code: string,
  user: DirectoryUser,
  message: string,
  fields: Record<string, unknown> = {},
): Eligibility => ({
  user,
  grant: null,
  refusal: new AppError('workflows', code, message, { name: user.displayName ?? user.userPrincipalName, ...fields }),
});

/** A pass that a new one would replace while it still matters: usable now, or starting later. */
const livePass = (passes: readonly TemporaryAccessPass[]) =>
  passes.find((p) => p.isUsable || p.methodUsabilityReason === 'NotYetValid');

/** Decides one user; `templateId` limits the batch to cards under that card template. */
export function batchEligibility(c: Candidate, operator: BatchOperator, templateId?: string): Eligibility {
  const { user } = c;
  const base = userTapRefusal(user, operator.oid, c.verdicts);
  if (base && base.code !== 'TAP_NO_CARD') return { user, grant: null, refusal: base };
  if (user.accountEnabled === false) return skipUser('BATCH_TAP_DISABLED', user, 'The account is disabled.');
  if (!user.mail)
    return skipUser('BATCH_TAP_NO_MAIL', user, 'The user has no mail, and batch passes are only emailed.');
  if (c.roleTemplateIds.length > 0 && !operator.includingAdmins)
    return skipUser('BATCH_TAP_ADMIN', user, 'The user holds a directory role; the operator is not privileged.');
  if (c.passes === null) return skipUser('BATCH_TAP_PASSES_UNREAD', user, "The user's passes could not be read.");
  const live = livePass(c.passes);
  if (live)
    return skipUser('BATCH_TAP_HAS_PASS', user, 'The user already holds a pass.', {
      passId: live.id,
      start: live.startDateTime,
    });
  if (base) return { user, grant: null, refusal: base };
  const inScope = templateId ? c.verdicts.filter((v) => v.card.template.id === templateId) : c.verdicts;
  if (inScope.length === 0)
    return skipUser('BATCH_TAP_OTHER_TEMPLATE', user, 'No card of the user is under the chosen template.', {
      templateId,
    });
  const delivering = inScope.filter((v) => v.grant?.deliverWith);
  const granted = delivering.find((v) => sendsAutomatically(v.grant!.deliverWith!));
  if (granted?.grant) return { user, grant: granted.grant, refusal: null };
  const held = delivering[0]?.grant;
  if (held)
    return skipUser('BATCH_TAP_EMAIL_HELD', user, "The card template's Deliver email is not sent automatically.", {
      templateName: held.templateName,
      emailName: held.deliverWith!.record.name,
    });
  const shownOnly = inScope.find((v) => v.grant);
  if (shownOnly?.grant)
    return skipUser('BATCH_TAP_NO_DELIVERY', user, 'The card template shows the code but delivers no email.', {
      templateName: shownOnly.grant.templateName,
    });
  return { user, grant: null, refusal: inScope[0]!.refusal! };
}

/** The preview's counts: who gets a pass, who is skipped, and the skips by reason. */
export function previewSummary(rows: readonly Eligibility[]): {
  eligible: number;
  skipped: number;
  byReason: Record<string, number>;
} {
  const byReason: Record<string, number> = {};
  for (const r of rows) if (r.refusal) byReason[r.refusal.code] = (byReason[r.refusal.code] ?? 0) + 1;
  const skipped = rows.filter((r) => r.refusal).length;
  return { eligible: rows.length - skipped, skipped, byReason };
}
