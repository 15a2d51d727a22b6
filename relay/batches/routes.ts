/**
 * `/api/batches` (Batch TAP, issue 17), for operators only. Shapes: src/relay-api/batch-contract.ts.
 * - `POST /` starts a batch with its first users (409 `BATCH_RUNNING` while the group has one running
 *   or paused); `POST /:id/items` adds more before sending starts;
 * - `GET /?open=true` lists batches (a reopened page finds the one to resume); `GET /:id` one with items;
 * - `POST /:id/attempts` claims pending creates before they are sent (only the claimed may be sent);
 *   `POST /:id/releases` gives back creates Graph refused as a whole; `POST /:id/outcomes` settles;
 * - `POST /:id/state` pauses, resumes, cancels or finishes.
 * Mounted by relay/app.ts with `app.route('/api/batches', batchRoutes(deps))`.
 */
import { Hono, type Context } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  BatchAttemptBody,
  BatchCreateBody,
  BatchItemsBody,
  BatchOutcomesBody,
  BatchReleaseBody,
  BatchStateBody,
  type Batch,
} from '../../src/relay-api/batch-contract';
import { getCaller, requireRoles, type RelayEnv } from '../auth';
import type { RelayConfig } from '../config';
import type { Schema } from '../db/schema';
import type { TokenVerifier } from '../token';
import { validJson, validParam, validQuery } from '../validate';
import { getBatch, listBatches } from './read';
import { recordOutcomes } from './outcomes';
import { addItems, changeState, claimAttempts, createBatch, releaseAttempts } from './store';

/** What the batch routes need. */
export interface BatchRouteDeps {
  config: RelayConfig;
  verifier: TokenVerifier;
  db: Kysely<Schema>;
}

const Param = z.strictObject({ id: z.uuid() });
const Query = z.strictObject({ open: z.enum(['true', 'false']).optional() });

const actorOf = (c: Context<RelayEnv>) => {
  const caller = getCaller(c);
  return { oid: caller.oid, name: caller.name || caller.preferredUsername };
};

/** Builds the `/api/batches` sub-app. */
export function batchRoutes(deps: BatchRouteDeps): Hono<RelayEnv> {
  const { db } = deps;
  const operators = requireRoles(deps.verifier, deps.config.operatorRole);
  const param = validParam(Param);
  return new Hono<RelayEnv>()
    .post('/', operators, validJson(BatchCreateBody), async (c) => {
      const batchId = await createBatch(db, c.req.valid('json'), actorOf(c));
      return c.json((await getBatch(db, batchId)) satisfies Batch, 201);
    })
    .get('/', operators, validQuery(Query), async (c) => {
      return c.json({ batches: await listBatches(db, { open: c.req.valid('query').open === 'true' }, false) });
    })
    .get('/:id', operators, param, async (c) => c.json(await getBatch(db, c.req.valid('param').id)))
    .post('/:id/items', operators, param, validJson(BatchItemsBody), async (c) => {
      await addItems(db, c.req.valid('param').id, c.req.valid('json').items);
      return c.json(await getBatch(db, c.req.valid('param').id));
    })
    .post('/:id/attempts', operators, param, validJson(BatchAttemptBody), async (c) => {
      const { userIds, attemptAt } = c.req.valid('json');
      return c.json({ claimed: await claimAttempts(db, c.req.valid('param').id, userIds, new Date(attemptAt)) });
    })
    .post('/:id/releases', operators, param, validJson(BatchReleaseBody), async (c) => {
      await releaseAttempts(db, c.req.valid('param').id, c.req.valid('json').userIds);
      return c.body(null, 204);
    })
    .post('/:id/outcomes', operators, param, validJson(BatchOutcomesBody), async (c) => {
      await recordOutcomes(db, c.req.valid('param').id, c.req.valid('json').outcomes, actorOf(c));
      return c.body(null, 204);
    })
    .post('/:id/state', operators, param, validJson(BatchStateBody), async (c) => {
      await changeState(db, c.req.valid('param').id, c.req.valid('json').state, actorOf(c));
      return c.json(await getBatch(db, c.req.valid('param').id));
    });
}
