/**
 * `/api/cards`: the card registry. Operators read a card with its version (`GET /:cardId`) and apply a
 * lifecycle transition as a compare-and-set on that version (`POST /:cardId/transitions`), and record and
 * read the Temporary Access Pass Keyward created for a card (`PUT|GET /:cardId/pass`, ./passes.ts); a 409
 * `CARD_CHANGED_ELSEWHERE` carries the card as it is now in `error.current`. Operators and administrators
 * list a holder's cards or cards in a state (`GET /`); administrators upload an old browser registry
 * (`POST /import`), which never overwrites. Shapes: src/relay-api/contract.ts. Mounted by relay/app.ts
 * with `app.route('/api/cards', cardRoutes(deps))`.
 */
import { Hono, type Context } from 'hono';
import type { Kysely } from 'kysely';
import { AppError } from '../../src/app-error';
import {
  CardId,
  CardImportBody,
  CardPassBody,
  CardQuery,
  TransitionBody,
  type CardList,
  type CardPassAnswer,
} from '../../src/relay-api/contract';
import { getCaller, requireRoles, type RelayEnv } from '../auth';
import type { RelayConfig } from '../config';
import type { Schema } from '../db/schema';
import type { TokenVerifier } from '../token';
import { validJson, validQuery } from '../validate';
import { importCards } from './import';
import { getCardPass, recordCardPass, toCardPass } from './passes';
import { getCard, listCards, toCard, transitionCard, type CardRecord } from './registry';

/** What the card routes need. */
export interface CardRouteDeps {
  config: RelayConfig;
  verifier: TokenVerifier;
  db: Kysely<Schema>;
}

/** Swaps the raw row in a conflict for its API form. */
function withCardJson(e: unknown): unknown {
  if (!(e instanceof AppError) || e.fields.current === undefined) return e;
  return new AppError(e.layer, e.code, e.message, { ...e.fields, current: toCard(e.fields.current as CardRecord) });
}

const cardId = (id: string) => {
  if (!CardId.safeParse(id).success)
    throw new AppError('relay', 'INVALID_REQUEST', 'A card id is 1 to 100 letters, digits and : . _ -.', {
      status: 400,
    });
  return id;
};

const actorOf = (c: Context<RelayEnv>) => {
  const caller = getCaller(c);
  return { oid: caller.oid, name: caller.name || caller.preferredUsername };
};

/** Builds the `/api/cards` sub-app. */
export function cardRoutes(deps: CardRouteDeps): Hono<RelayEnv> {
  const { config, verifier, db } = deps;
  const operators = requireRoles(verifier, config.operatorRole);
  const staff = requireRoles(verifier, [config.operatorRole, config.administratorRole]);
  const administrators = requireRoles(verifier, config.administratorRole);
  return new Hono<RelayEnv>()
    .get('/', staff, validQuery(CardQuery), async (c) => {
      return c.json({ cards: await listCards(db, c.req.valid('query')) } satisfies CardList);
    })
    .post('/import', administrators, validJson(CardImportBody), async (c) => {
      return c.json(await importCards(db, c.req.valid('json').cards, actorOf(c)));
    })
    .get('/:cardId', operators, async (c) => {
      const card = await getCard(db, cardId(c.req.param('cardId')));
      if (!card)
        throw new AppError('relay', 'CARD_NOT_REGISTERED', 'The registry has no record of this card.', { status: 404 });
      return c.json(toCard(card));
    })
    .get('/:cardId/pass', operators, async (c) => {
      const pass = await getCardPass(db, cardId(c.req.param('cardId')));
      return c.json({ pass: pass ? toCardPass(pass) : null } satisfies CardPassAnswer);
    })
    .put('/:cardId/pass', operators, validJson(CardPassBody), async (c) => {
      const id = cardId(c.req.param('cardId'));
      return c.json(toCardPass(await recordCardPass(db, id, c.req.valid('json'), actorOf(c))));
    })
    .post('/:cardId/transitions', operators, validJson(TransitionBody), async (c) => {
      const request = { ...c.req.valid('json'), cardId: cardId(c.req.param('cardId')) };
      try {
        return c.json(toCard(await transitionCard(db, request, actorOf(c))));
      } catch (e) {
        throw withCardJson(e);
      }
    });
}
