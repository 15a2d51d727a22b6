/**
 * `/api/batches` (Batch TAP, issue 17): the shapes the browser and the relay share. A batch holds one
 * item per user: pending, creating (a create was sent at `attemptAt`, its outcome not yet recorded),
 * created (with the pass id and whether the email went), failed, or skipped (with the preview's reason).
 * Never a code: the create's code lives only in the browser's memory until it is emailed.
 */
import { z } from 'zod';
import { line } from './contract';

const id = line(100).min(1);

/** What a user's pass is created and delivered with: the card template's options and Deliver email. */
export const BatchPlan = z.strictObject({
  request: z.strictObject({
    lifetimeInMinutes: z.number().int().min(10).max(43_200).optional(),
    isUsableOnce: z.boolean().optional(),
  }),
  deliver: z.strictObject({ id, version: z.number().int().positive() }),
  /** `CardSerial` and `CredentialType` of the card whose template granted the pass. */
  cardValues: z.record(line(40), line(200)),
});
export type BatchPlan = z.infer<typeof BatchPlan>;

/** One user as the preview decided them: a plan, or a skip with its code and words. */
export const BatchItemInput = z.strictObject({
  userId: id,
  upn: line(200).min(1),
  displayName: line(200),
  plan: BatchPlan.nullable(),
  skip: z.strictObject({ code: line(64).min(1), reason: line(500).min(1) }).nullable(),
});
export type BatchItemInput = z.infer<typeof BatchItemInput>;

/** Items per request, so a body stays well under the relay's 64 KiB limit. */
export const BATCH_ITEMS_PER_REQUEST = 100;

/** `POST /api/batches`: a new batch with its first items (more through `POST /:id/items`). */
export const BatchCreateBody = z.strictObject({
  source: z.strictObject({ kind: z.enum(['group', 'csv']), id: line(100), label: line(200).min(1) }),
  templateId: id.nullable(),
  items: z.array(BatchItemInput).min(1).max(BATCH_ITEMS_PER_REQUEST),
});
export type BatchCreateBody = z.infer<typeof BatchCreateBody>;

export const BatchItemsBody = z.strictObject({ items: z.array(BatchItemInput).min(1).max(BATCH_ITEMS_PER_REQUEST) });
/** `POST /:id/attempts`: creates for these users are about to be sent (at most one Graph batch). */
export const BatchAttemptBody = z.strictObject({ userIds: z.array(id).min(1).max(20), attemptAt: z.iso.datetime() });
/** `POST /:id/releases`: these creates were refused before anything happened (429); pending again. */
export const BatchReleaseBody = z.strictObject({ userIds: z.array(id).min(1).max(20) });

/** One settled item (workflows/batch-tap/executor.ts `ItemOutcome`). */
export const BatchOutcome = z.discriminatedUnion('status', [
  z.strictObject({
    userId: id,
    status: z.literal('created'),
    passId: id,
    startDateTime: z.iso.datetime({ offset: true }),
    delivered: z.boolean(),
    error: line(500).nullable(),
  }),
  z.strictObject({ userId: id, status: z.literal('failed'), error: line(500).min(1) }),
]);
export type BatchOutcome = z.infer<typeof BatchOutcome>;
export const BatchOutcomesBody = z.strictObject({ outcomes: z.array(BatchOutcome).min(1).max(40) });

export const BATCH_STATES = ['running', 'paused', 'cancelled', 'finished'] as const;
export const BatchStateBody = z.strictObject({ state: z.enum(BATCH_STATES) });

export const BATCH_ITEM_STATUSES = ['pending', 'creating', 'created', 'failed', 'skipped'] as const;

/** An item as the relay holds it. */
export const BatchItem = z.object({
  userId: z.string(),
  upn: z.string(),
  displayName: z.string(),
  status: z.enum(BATCH_ITEM_STATUSES),
  attemptAt: z.string().nullable(),
  passId: z.string().nullable(),
  startDateTime: z.string().nullable(),
  delivered: z.boolean(),
  /** Words: why it failed or was skipped, or what is wrong with a created pass (code lost). */
  error: z.string().nullable(),
  skipCode: z.string().nullable(),
  plan: BatchPlan.nullable(),
});
export type BatchItem = z.infer<typeof BatchItem>;

/** A batch with its counts (and its items, when read one by one). */
export const Batch = z.object({
  batchId: z.string(),
  source: z.object({ kind: z.enum(['group', 'csv']), id: z.string(), label: z.string() }),
  templateId: z.string().nullable(),
  state: z.enum(BATCH_STATES),
  createdBy: z.object({ oid: z.string(), name: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  counts: z.record(z.enum(BATCH_ITEM_STATUSES), z.number()).and(z.object({ delivered: z.number() })),
  items: z.array(BatchItem).optional(),
});
export type Batch = z.infer<typeof Batch>;
export const BatchList = z.object({ batches: z.array(Batch) });
export const BatchClaim = z.object({ claimed: z.array(z.string()) });

/**
 * The `Idempotency-Key` of the batch's email to one user: one email per user per batch, so a resumed
 * batch never mails twice. The relay also looks it up to learn whether a closed page's email went.
 */
export const batchMailKey = (batchId: string, userId: string) =>
  `tapbatch-${batchId}-${userId}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128);
