/**
 * Batch TAP as the signed-in operator (Actions > Batch TAP): find a group, preview its transitive members
 * (or the users of a CSV) under a card template, store the batch in the relay, run or resume it at the
 * pace of Graph's identity write quota, and pause, resume or cancel it. The page's state class
 * (state/batch-tap.svelte.ts) calls only these; the modules beside this one do the work.
 */
import { AppError } from '../../app-error';
import { sendBatch } from '../../entra/graph-batch';
import { groupUsers, searchGroups, type DirectoryGroup } from '../../entra/groups';
import type { SignedInAccount } from '../../entra/token-source';
import type { TapAuthority } from '../../entra/operator-roles';
import {
  fetchBatch,
  openBatches,
  setBatchState,
  startBatch,
  type Batch,
  type BatchItemInput,
} from '../../relay-api/batches';
import { sendExportEmail } from '../../relay-api/mail';
import type { CardTemplateRecord } from '../../store/db';
import { tenantTapPolicy } from '../helpdesk';
import { sendsAutomatically } from '../../relay-api/tap-rules';
import { cardValues, type OperatorTapGrant } from '../operator-tap';
import type { OperatorSession } from '../operator-session';
import type { CardRegistry, Published, TemplateStore } from '../ports';
import type { Eligibility } from './eligibility';
import type { ItemOutcome, RunResult } from './executor';
import { previewUsers, usersByUpn } from './preview';
import { runStoredBatch } from './stored-run';
import { GRAPH_IDENTITY_WRITE_QUOTA, systemClock, WriteBudget } from './write-budget';

export type { Batch, DirectoryGroup, Eligibility, ItemOutcome, RunResult };
export { parseUpnCsv } from './upn-csv';
export { previewSummary } from './eligibility';
export { reportCsv, RESULT_WORDS } from './report-csv';

/** Where a batch's users come from: an Entra group (transitive members) or a CSV of UPNs. */
export type BatchSource =
  | { readonly kind: 'group'; readonly id: string; readonly label: string }
  | { readonly kind: 'csv'; readonly label: string; readonly upns: readonly string[] };

/** The operator a batch runs as. */
export interface BatchOperatorContext {
  readonly op: OperatorSession;
  readonly account: SignedInAccount;
  readonly tap: TapAuthority;
  readonly ports: { readonly registry: CardRegistry; readonly templates: TemplateStore };
}

/** Groups whose name matches `text`. */
export function findGroups(op: OperatorSession, text: string): Promise<DirectoryGroup[]> {
  return searchGroups(op.graph(), text);
}

/** Card templates a batch can run under: operators may generate passes, and a Deliver email is named. */
export async function batchTemplates(ctx: BatchOperatorContext): Promise<Published<CardTemplateRecord>[]> {
  const all = await ctx.ports.templates.cardTemplates();
  return all.filter(
    (t) => t.record.tap.enabled && t.record.tap.operatorMayGenerate && t.record.tap.operatorDeliverTemplateId,
  );
}

/** Decides every user of `source` under the card template `templateId` (reads only). */
export async function previewSource(
  ctx: BatchOperatorContext,
  source: BatchSource,
  templateId: string,
): Promise<Eligibility[]> {
  const graph = ctx.op.graph();
  const users = source.kind === 'group' ? await groupUsers(graph, source.id) : await usersByUpn(graph, source.upns);
  const policy = await tenantTapPolicy(ctx.op);
  const previewPorts = { graph, registry: ctx.ports.registry, templates: ctx.ports.templates, policy };
  const operator = { oid: ctx.account.objectId, includingAdmins: ctx.tap.includingAdmins };
  return previewUsers(previewPorts, users, operator, templateId);
}

/**
 * Why a granted user is still skipped: a batch delivers only by email, at once, and never shows a code,
 * so the template's Deliver email must exist and be sent automatically (src/relay-api/tap-rules.ts).
 */
function batchDeliveryRefusal(user: Eligibility['user'], grant: OperatorTapGrant): AppError | null {
  const fields = { name: user.displayName ?? user.userPrincipalName, templateName: grant.templateName };
  if (!grant.deliverWith)
    return new AppError('workflows', 'BATCH_TAP_NO_DELIVERY', 'The card template delivers no email.', fields);
  if (!sendsAutomatically(grant.deliverWith))
    return new AppError(
      'workflows',
      'BATCH_TAP_EMAIL_HELD',
      "The template's Deliver email is not sent automatically.",
      {
        ...fields,
        emailName: grant.deliverWith.record.name,
      },
    );
  return null;
}

/** The batch's items: each user's plan (the template's options and Deliver email), or why they are skipped. */
export function batchItems(rows: readonly Eligibility[], describe: (e: AppError) => string): BatchItemInput[] {
  return rows.map((r) => {
    const base = { userId: r.user.id, upn: r.user.userPrincipalName, displayName: r.user.displayName ?? '' };
    // eligibility.ts grants a batch pass only with a Deliver email sent at once; anything else is a skip.
    const refusal = r.grant ? batchDeliveryRefusal(r.user, r.grant) : r.refusal;
    if (refusal || !r.grant?.deliverWith)
      return { ...base, plan: null, skip: { code: refusal!.code, reason: describe(refusal!).slice(0, 500) } };
    const { card, request, deliverWith } = r.grant;
    return {
      ...base,
      skip: null,
      plan: {
        request,
        deliver: { id: deliverWith.record.id, version: deliverWith.version },
        cardValues: cardValues(card),
      },
    };
  });
}

/** Stores a new batch in the relay (refused while the group has one running or paused). */
export function beginBatch(
  op: OperatorSession,
  source: BatchSource,
  templateId: string,
  items: readonly BatchItemInput[],
): Promise<Batch> {
  const stored = { kind: source.kind, id: source.kind === 'group' ? source.id : '', label: source.label };
  return startBatch(op.relay(), { source: stored, templateId }, items);
}

/** Batches running or paused. */
export function findOpenBatches(op: OperatorSession): Promise<Batch[]> {
  return openBatches(op.relay());
}

/** One batch with its items (the report). */
export function readBatch(op: OperatorSession, batchId: string): Promise<Batch> {
  return fetchBatch(op.relay(), batchId);
}

/** Pauses, resumes or cancels a batch no page is running. */
export function changeBatchState(op: OperatorSession, batchId: string, state: Batch['state']): Promise<Batch> {
  return setBatchState(op.relay(), batchId, state);
}

/** What a run reports and asks while it goes. */
export interface RunHooks {
  readonly control: () => 'run' | 'pause' | 'cancel';
  readonly onSettled: (outcomes: readonly ItemOutcome[]) => void;
}

/** The write budget a run keeps to (Graph's identity write quota per app and tenant). */
export function newWriteBudget(): WriteBudget {
  return new WriteBudget(GRAPH_IDENTITY_WRITE_QUOTA, systemClock);
}

/** Runs (or resumes) `batchId` until it finishes, pauses or is cancelled. */
export function runBatchAs(
  op: OperatorSession,
  batchId: string,
  budget: WriteBudget,
  hooks: RunHooks,
): Promise<RunResult> {
  const graph = op.graph();
  const relay = op.relay();
  return runStoredBatch(
    {
      relay,
      send: (requests) => sendBatch(graph, requests),
      sendMail: (request, key) => sendExportEmail(relay, request, key),
      budget,
      clock: systemClock,
      ...hooks,
    },
    batchId,
  );
}
