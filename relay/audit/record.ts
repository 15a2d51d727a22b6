/**
 * Audit rows for what the relay itself decides (card-key releases, self-service actions), written
 * through the group-commit writer (./writer.ts). A refusal or failure is recorded with the error's
 * message as its reason: relay messages name what was refused and why, never a secret.
 */
import type { Kysely } from 'kysely';
import { isAppError } from '../../src/app-error';
import { auditReason } from '../../src/relay-api/audit-contract';
import type { Person } from '../../src/relay-api/contract';
import type { Schema } from '../db/schema';
import { auditEntry } from './chain';
import { createAuditWriter } from './writer';

/** One event: who, what, on which target, and how it ended. */
export interface AuditEvent {
  actor: Person;
  action: string;
  target: { type: 'card' | 'key' | 'user'; id: string; label?: string };
  outcome: 'succeeded' | 'refused' | 'failed';
  reason?: string;
}

/** Records events in `db`'s audit trail. */
export type AuditRecorder = (event: AuditEvent) => Promise<void>;

/** Creates a recorder with its own writer over `db` (migrated). */
export function createAuditRecorder(db: Kysely<Schema>): AuditRecorder {
  const writer = createAuditWriter(db);
  return async (e) => {
    await writer.append(auditEntry(e.actor, e));
  };
}

/** The outcome and reason of a thrown error: a refusal below 500, else a failure; the code then the words. */
export function outcomeOf(e: unknown): Pick<AuditEvent, 'outcome' | 'reason'> {
  if (!isAppError(e)) return { outcome: 'failed', reason: 'The relay failed unexpectedly.' };
  const status = typeof e.fields.status === 'number' ? e.fields.status : 500;
  return { outcome: status < 500 ? 'refused' : 'failed', reason: auditReason(e.message, e.code) };
}
