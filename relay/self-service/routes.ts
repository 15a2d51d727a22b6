/**
 * `/api/self-service`: the card holder's own page (DESIGN.md "Self-service"; shapes in
 * src/relay-api/self-service-contract.ts). Every route takes the holder's own token (any role, none
 * needed) and refuses guests; the POST routes count against the holder's rate limit and are audited as
 * `holder.<action>`, refusals included, besides the registry's own card transitions, `tap.create`,
 * `tap.deliver` and `key.release`. Mounted by relay/app.ts.
 */
import { Hono, type Context } from 'hono';
import type { z, ZodType } from 'zod';
import { AppError } from '../../src/app-error';
import {
  ActivateBody,
  ChallengeBody,
  PROOF_SLOT,
  RequestTapBody,
  UnblockBody,
  UnblockedBody,
  type ActivateResult,
  type HolderCardList,
  type RequestTapResult,
  type UnblockRelease,
} from '../../src/relay-api/self-service-contract';
import { generatesAtActivation, type HolderTap } from '../../src/relay-api/tap-rules';
import { outcomeOf } from '../audit/record';
import { getCaller, requireCaller, type RelayEnv } from '../auth';
import { deriveSecret, recordedSubject } from '../card-keys/derive';
import { requireVault } from '../card-keys/vault';
import { transitionCard, type CardRecord } from '../cards/registry';
import type { PublishedEmailBody } from '../mail/send-published';
import { validJson } from '../validate';
import { authoriseUnblock, consumeUnblockAuthorisation, issueChallenge } from './challenges';
import { holderOf, ownCard, takeHolderToken, type Holder, type SelfServiceDeps } from './holder';
import { createPass, deliverPass, initiatePass } from './pass';
import { holderView, type HolderView } from './permissions';
import { proofKey, requireAllowed, requireProof } from './proof';

export type { SelfServiceDeps } from './holder';

/** What an action works on, once the holder, the rate limit and the card passed. */
interface Acting {
  holder: Holder;
  v: HolderView;
  now: number;
}

/**
 * Runs one audited action on `cardId`: holder check, rate limit, own card, then `work`. The outcome is
 * recorded as `holder.<action>` on the card (or on the caller, for a guest), whatever it is.
 */
async function act<T>(
  deps: SelfServiceDeps,
  c: Context<RelayEnv>,
  action: string,
  cardId: string,
  work: (a: Acting) => Promise<T>,
): Promise<T> {
  const caller = getCaller(c);
  let actor = { oid: caller.oid, name: caller.name || caller.preferredUsername };
  const target = { type: 'card' as const, id: cardId };
  try {
    const holder = await holderOf(deps, caller);
    actor = holder.actor;
    await takeHolderToken(deps, caller.oid);
    const v = await holderView(deps.db, await ownCard(deps.db, caller.oid, cardId));
    const result = await work({ holder, v, now: (deps.now ?? Date.now)() });
    await deps.audit({ actor, action: `holder.${action}`, target, outcome: 'succeeded' });
    return result;
  } catch (e) {
    await deps.audit({ actor, action: `holder.${action}`, target, ...outcomeOf(e) });
    throw e;
  }
}

/** Applies a registry transition as the holder; the registry audits it. */
async function transition(deps: SelfServiceDeps, a: Acting, name: 'activate' | 'unblock'): Promise<CardRecord> {
  const request = { cardId: a.v.card.card_id, transition: name, expectedVersion: a.v.card.version };
  return transitionCard(deps.db, request, a.holder.actor);
}

/**
 * Registers the holder's POST `/<action>` on one card: the body checked against `schema`, then `work`
 * run by `act` (holder, rate limit, own card, audited as `holder.<action>`) and its result answered.
 */
function holderPost<S extends ZodType<{ cardId: string }>, T>(
  app: Hono<RelayEnv>,
  deps: SelfServiceDeps,
  action: string,
  schema: S,
  work: (a: Acting, body: z.output<S>) => Promise<T>,
): void {
  app.post(`/${action}`, requireCaller(deps.verifier), validJson(schema), async (c) => {
    const body = c.req.valid('json') as z.output<S>;
    return c.json(await act(deps, c, action, body.cardId, (a) => work(a, body)));
  });
}

/** The holder's cards, each with what its template allows; a refusal (a guest) is audited on the caller. */
async function listCards(deps: SelfServiceDeps, c: Context<RelayEnv>): Promise<HolderCardList> {
  const caller = getCaller(c);
  const holder = await holderOf(deps, caller).catch(async (e: unknown) => {
    const target = { type: 'user' as const, id: caller.oid };
    await deps.audit({
      actor: { oid: caller.oid, name: caller.name },
      action: 'holder.cards',
      target,
      ...outcomeOf(e),
    });
    throw e;
  });
  const rows = await deps.db
    .selectFrom('cards')
    .selectAll()
    .where('holder_oid', '=', holder.actor.oid)
    .orderBy('updated_at', 'desc')
    .limit(100)
    .execute();
  return { cards: await Promise.all(rows.map(async (row) => (await holderView(deps.db, row)).view)) };
}

/** A pass the holder asked for, created and delivered as the card template's rules say. */
async function requestTap(deps: SelfServiceDeps, a: Acting, body: RequestTapBody): Promise<RequestTapResult> {
  requireAllowed(a.v, 'request-tap');
  const template = a.v.template!;
  // Allowed: the template's rules (src/relay-api/tap-rules.ts `holderTap`) said yes.
  const rules = a.v.tap as Extract<HolderTap<PublishedEmailBody>, { allowed: true }>;
  if (rules.forceAuthentication) {
    if (!body.challengeId || !body.signature)
      throw new AppError(
        'relay',
        'PROOF_REQUIRED',
        'The card template asks the card to prove itself: sign a request-tap challenge with the card first.',
        { status: 400, retryable: false },
      );
    await requireProof(
      deps.db,
      a.v,
      'request-tap',
      { challengeId: body.challengeId, signature: body.signature },
      a.now,
    );
  }
  const tap = await createPass(deps, a.holder, a.v.card, template);
  const to = (e: PublishedEmailBody | null) => (e ? [e] : []);
  const sent = await deliverPass(deps, a.holder, a.v.card, tap, to(rules.deliverWith), to(rules.held));
  return {
    temporaryAccessPass: rules.showCode ? tap.temporaryAccessPass : null,
    emailed: sent.emailed,
    held: sent.held,
    lifetimeInMinutes: tap.lifetimeInMinutes,
    isUsableOnce: tap.isUsableOnce,
    startDateTime: tap.startDateTime,
    problem: sent.problem,
  };
}

/** Builds the `/api/self-service` sub-app. */
export function selfServiceRoutes(deps: SelfServiceDeps): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>().get('/cards', requireCaller(deps.verifier), async (c) =>
    c.json(await listCards(deps, c)),
  );
  holderPost(app, deps, 'challenge', ChallengeBody, async ({ v, now }, { cardId, purpose }) => {
    requireAllowed(v, purpose);
    const key = proofKey(v, purpose);
    const binding = { holderOid: v.card.holder_oid, cardId, purpose };
    return { ...(await issueChallenge(deps.db, binding, now)), slot: PROOF_SLOT[purpose], algorithm: key.algorithm };
  });
  holderPost(app, deps, 'activate', ActivateBody, async (a, body): Promise<ActivateResult> => {
    requireAllowed(a.v, 'activate');
    await requireProof(deps.db, a.v, 'activate', body, a.now);
    const card = await transition(deps, a, 'activate');
    const template = a.v.template;
    const tap = template && generatesAtActivation(template) ? await initiatePass(deps, a.holder, card, a.v) : null;
    return { card: (await holderView(deps.db, card)).view, tap };
  });
  holderPost(app, deps, 'request-tap', RequestTapBody, (a, body) => requestTap(deps, a, body));
  holderPost(app, deps, 'unblock', UnblockBody, async (a, body): Promise<UnblockRelease> => {
    requireAllowed(a.v, 'unblock');
    const vault = requireVault(deps.vault);
    await requireProof(deps.db, a.v, 'unblock', body, a.now);
    const released = await deriveSecret(vault, recordedSubject(a.v.card), 'puk');
    const target = { type: 'card' as const, id: body.cardId, label: 'PUK for self-service unblock' };
    await deps.audit({ actor: a.holder.actor, action: 'key.release', target, outcome: 'succeeded' });
    await authoriseUnblock(deps.db, a.v.card.holder_oid, body.cardId, a.now);
    return { cardId: body.cardId, puk: released.secret === 'puk' ? released.puk : '' };
  });
  holderPost(app, deps, 'unblocked', UnblockedBody, async (a, { cardId }) => {
    await consumeUnblockAuthorisation(deps.db, a.v.card.holder_oid, cardId, a.now);
    const card = a.v.card.state === 'locked' ? await transition(deps, a, 'unblock') : a.v.card;
    return (await holderView(deps.db, card)).view;
  });
  return app;
}
