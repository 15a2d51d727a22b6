/**
 * The browser's client for Batch TAP's store (`/api/batches`, relay/batches/routes.ts): start a batch,
 * find the open one to resume, claim creates before sending them, give back the ones Graph refused as a
 * whole, record outcomes, and pause, resume, cancel or finish. Never a code.
 */
import { z } from 'zod';
import {
  Batch,
  BATCH_ITEMS_PER_REQUEST,
  BatchClaim,
  BatchList,
  type BatchCreateBody,
  type BatchItemInput,
  type BatchOutcome,
} from './batch-contract';
import { relayCall, type RelayEndpoint } from './request';

export type { Batch, BatchItemInput, BatchOutcome };

const path = (batchId: string, tail = '') => `/api/batches/${encodeURIComponent(batchId)}${tail}`;

/** Starts a batch with all of `items` (sent in parts of {@link BATCH_ITEMS_PER_REQUEST}). */
export async function startBatch(
  relay: RelayEndpoint,
  body: Omit<BatchCreateBody, 'items'>,
  items: readonly BatchItemInput[],
): Promise<Batch> {
  let batch = await relayCall(relay, {
    path: '/api/batches',
    body: { ...body, items: items.slice(0, BATCH_ITEMS_PER_REQUEST) },
    answer: Batch,
  });
  for (let i = BATCH_ITEMS_PER_REQUEST; i < items.length; i += BATCH_ITEMS_PER_REQUEST) {
    const part = items.slice(i, i + BATCH_ITEMS_PER_REQUEST);
    batch = await relayCall(relay, { path: path(batch.batchId, '/items'), body: { items: part }, answer: Batch });
  }
  return batch;
}

/** Batches running or paused (a reopened page resumes one of them). */
export async function openBatches(relay: RelayEndpoint): Promise<Batch[]> {
  return (await relayCall(relay, { path: '/api/batches', query: { open: 'true' }, answer: BatchList })).batches;
}

/** One batch with its items. */
export function fetchBatch(relay: RelayEndpoint, batchId: string): Promise<Batch> {
  return relayCall(relay, { path: path(batchId), answer: Batch });
}

/** Claims the creates of `userIds` (still pending); the users claimed. */
export async function claimCreates(
  relay: RelayEndpoint,
  batchId: string,
  userIds: readonly string[],
  attemptAt: string,
) {
  return (
    await relayCall(relay, { path: path(batchId, '/attempts'), body: { userIds, attemptAt }, answer: BatchClaim })
  ).claimed;
}

/** Puts claimed creates back to pending. */
export async function releaseCreates(relay: RelayEndpoint, batchId: string, userIds: readonly string[]): Promise<void> {
  await relayCall(relay, { path: path(batchId, '/releases'), body: { userIds }, answer: z.unknown() });
}

/** Records settled items. */
export async function recordOutcomes(relay: RelayEndpoint, batchId: string, outcomes: readonly BatchOutcome[]) {
  await relayCall(relay, { path: path(batchId, '/outcomes'), body: { outcomes }, answer: z.unknown() });
}

/** Pauses, resumes, cancels or finishes the batch. */
export function setBatchState(relay: RelayEndpoint, batchId: string, state: Batch['state']): Promise<Batch> {
  return relayCall(relay, { path: path(batchId, '/state'), body: { state }, answer: Batch });
}
