/**
 * The Temporary Access Pass Keyward created for a card, from creation to removal (issue 14, "Revoke on
 * Retire and Lost"). When Keyward creates a pass for a card's holder (activation with *System generate
 * Entra ID TAP code*, or Request TAP Code under the card's template) it records the pass's id against
 * the card in the service (never the code). When the card is retired or reported lost, that pass, if the
 * user still has it, is deleted in Graph as the operator (`DELETE /users/{id}/authentication/
 * temporaryAccessPassMethods/{id}`), and the deletion or Graph's refusal is audited as `tap.revoke`.
 *
 * Neither step undoes what came before: a pass that could not be recorded is still the user's, and a
 * retirement stands when Graph refuses the deletion. Both outcomes are returned for the summary to say.
 */
import { AppError, isAppError, toAppError } from '../app-error';
import type { GraphTransport } from '../entra/graph-adapter';
import { deleteTap, listTaps, type TemporaryAccessPass } from '../entra/tap';
import type { DirectoryUser } from '../entra/users';
import { failed, recordQuietly, succeeded, userTarget } from './audit-entries';
import type { AuditLog, Card, CardRegistry } from './ports';
import { requestTap, type TapContext, type TapOutcome, type TapPlan } from './request-tap';

/** What removing a pass needs: Graph as the signed-in operator, and the audit trail. */
export interface PassContext {
  readonly graph: GraphTransport;
  readonly audit: AuditLog;
}

/** What became of the pass Keyward created for a card that was retired or reported lost. */
export type PassRevocation =
  /** Keyward recorded no pass for this card since it was issued. */
  | { readonly status: 'none' }
  /** The pass was deleted in Entra ID. */
  | { readonly status: 'revoked'; readonly tapId: string }
  /** The user no longer has that pass (removed, expired and cleaned up, or replaced by a newer one). */
  | { readonly status: 'gone'; readonly tapId: string }
  /** It could not be removed (or not even looked for): the reason, for words. The retirement stands. */
  | { readonly status: 'failed'; readonly tapId: string | null; readonly error: AppError };

/** States in which a card is in someone's hands, so a pass created for it is recorded against it. */
const LIVE: ReadonlySet<Card['state']> = new Set(['issued', 'active', 'locked']);

/**
 * Records `tap` as the pass Keyward created for `card`'s holder. Null when recorded, or when the card is
 * no longer in anyone's hands (a pass requested under a lost card's template is not the card's to
 * revoke); else the service's refusal, for the operator to read: the pass exists all the same.
 */
export async function rememberCardPass(
  registry: CardRegistry,
  card: Pick<Card, 'cardId' | 'state' | 'holder'>,
  tap: Pick<TemporaryAccessPass, 'id'>,
): Promise<AppError | null> {
  if (!LIVE.has(card.state)) return null;
  try {
    await registry.recordPass(card.cardId, { tapId: tap.id, userOid: card.holder.oid });
    return null;
  } catch (e) {
    return toAppError(e);
  }
}

/** A pass requested under a card's template, and why it could not be recorded against the card (null: it was). */
export interface CardTapOutcome extends TapOutcome {
  readonly unrecorded: AppError | null;
}

/** Creates a pass for `user` under the rules of `card`'s template (`plan`), and records it against the card. */
export async function requestCardTap(
  ctx: TapContext,
  registry: CardRegistry,
  user: DirectoryUser,
  card: Card,
  plan: TapPlan,
): Promise<CardTapOutcome> {
  const outcome = await requestTap(ctx, user, plan);
  return { ...outcome, unrecorded: await rememberCardPass(registry, card, outcome.tap) };
}

const MISSING_CONTEXT = () =>
  new AppError(
    'workflows',
    'PASS_CONTEXT_MISSING',
    'No signed-in operator was at hand to remove the pass with Microsoft Graph.',
  );

/**
 * Removes the pass Keyward recorded for `card` (read before it was retired: its holder names the audit
 * row), if the user still has it. Never throws: every failure is an outcome, audited when Graph refused.
 */
export async function revokeCardPass(
  ctx: PassContext | undefined,
  registry: CardRegistry,
  card: Pick<Card, 'cardId' | 'holder'>,
): Promise<PassRevocation> {
  let recorded;
  try {
    recorded = await registry.pass(card.cardId);
  } catch (e) {
    return { status: 'failed', tapId: null, error: toAppError(e) };
  }
  if (!recorded) return { status: 'none' };
  const { tapId, userOid } = recorded;
  if (!ctx) return { status: 'failed', tapId, error: MISSING_CONTEXT() };
  const user = userTarget({ id: userOid, displayName: card.holder.name, upn: card.holder.upn });
  try {
    const present = (await listTaps(ctx.graph, userOid)).some((t) => t.id === tapId);
    if (!present) return { status: 'gone', tapId };
    await deleteTap(ctx.graph, userOid, tapId);
  } catch (e) {
    // Listed a moment ago, not found now: removed meanwhile (used up, or by someone else).
    if (isAppError(e, 'entra', 'GRAPH_NOT_FOUND') && isAppError(e) && e.fields.method === 'DELETE')
      return { status: 'gone', tapId };
    const error = toAppError(e);
    await recordQuietly(ctx.audit, failed('tap.revoke', user, error));
    return { status: 'failed', tapId, error };
  }
  await recordQuietly(ctx.audit, succeeded('tap.revoke', user));
  return { status: 'revoked', tapId };
}
