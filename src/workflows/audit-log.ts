/** The audit journal as the Audit screen pages through it, newest first. */
import { recentAudit, type AuditRecord } from '../store/audit';

export type { AuditRecord } from '../store/audit';

/** One page of records, and whether older ones exist. */
export async function auditPage(limit: number, beforeSeq?: number): Promise<{ records: AuditRecord[]; more: boolean }> {
  const records = await recentAudit(limit + 1, beforeSeq);
  return { records: records.slice(0, limit), more: records.length > limit };
}
