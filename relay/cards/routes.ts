/**
 * `/api/cards`: the card registry for operators. `GET /:cardId` reads a card with its version;
 * `POST /:cardId/transitions` applies a lifecycle transition as a compare-and-set on that version. A
 * 409 `CARD_CHANGED_ELSEWHERE` carries the card as it is now in `error.current`. Mounted by
 * relay/app.ts with `app.route('/api/cards', cardRoutes(deps))`.
 */
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../src/app-error';
import { getCaller, requireRoles, type RelayEnv } from '../auth';
import type { RelayConfig } from '../config';
import type { Schema } from '../db/schema';
import type { TokenVerifier } from '../token';
import { validJson } from '../validate';
import { CARD_TRANSITIONS, getCard, transitionCard, type CardRecord, type CardTransition } from './registry';

/** What the card routes need. */
export interface CardRouteDeps {
  config: RelayConfig;
  verifier: TokenVerifier;
  db: Kysely<Schema>;
}

const text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must be one line of printable text');

/** `POST /api/cards/:cardId/transitions`. */
export const TransitionBody = z.strictObject({
  transition: z.enum(Object.keys(CARD_TRANSITIONS) as [CardTransition, ...CardTransition[]]),
  /** The version read with GET; 0 for a card the registry does not know. */
  expectedVersion: z.number().int().min(0),
  issue: z
    .strictObject({
      holderOid: text(64).min(1),
      holderName: text(200),
      templateId: text(100).min(1),
      templateVersion: z.number().int().min(1),
      credentialType: z.enum(['yubikey', 'piv']),
      chuidGuid: text(64),
    })
    .optional(),
});

/** A card as the API returns it. */
export function cardJson(card: CardRecord) {
  return {
    cardId: card.card_id,
    state: card.state,
    holder: { oid: card.holder_oid, name: card.holder_name },
    template: { id: card.template_id, version: card.template_version },
    credentialType: card.credential_type,
    chuidGuid: card.chuid_guid,
    issuedBy: card.issued_by,
    updatedAt: card.updated_at.toISOString(),
    version: card.version,
  };
}

/** Swaps the raw row in a conflict for its API form. */
function withCardJson(e: unknown): unknown {
  if (!(e instanceof AppError) || e.fields.current === undefined) return e;
  return new AppError(e.layer, e.code, e.message, { ...e.fields, current: cardJson(e.fields.current as CardRecord) });
}

const cardId = (id: string) => {
  if (!/^[A-Za-z0-9:._-]{1,100}$/.test(id))
    throw new AppError('relay', 'INVALID_REQUEST', 'A card id is 1 to 100 letters, digits and : . _ -.', {
      status: 400,
    });
  return id;
};

/** Builds the `/api/cards` sub-app. */
export function cardRoutes(deps: CardRouteDeps): Hono<RelayEnv> {
  const operators = requireRoles(deps.verifier, deps.config.operatorRole);
  return new Hono<RelayEnv>()
    .get('/:cardId', operators, async (c) => {
      const card = await getCard(deps.db, cardId(c.req.param('cardId')));
      if (!card)
        throw new AppError('relay', 'CARD_NOT_REGISTERED', 'The registry has no record of this card.', { status: 404 });
      return c.json(cardJson(card));
    })
    .post('/:cardId/transitions', operators, validJson(TransitionBody), async (c) => {
      const caller = getCaller(c);
      const body = c.req.valid('json');
      const actor = { oid: caller.oid, name: caller.name || caller.preferredUsername };
      const request = { cardId: cardId(c.req.param('cardId')), ...body };
      try {
        return c.json(cardJson(await transitionCard(deps.db, request, actor)));
      } catch (e) {
        throw withCardJson(e);
      }
    });
}
