/**
 * The service's audit trail as an auditor reads it (DESIGN.md "The service and its database"): pages
 * filtered by actor, target, action and time, the CSV export, and the check of the hash chain. Only the
 * relay holds the trail; nothing here reads IndexedDB.
 */
import { fetchAuditCsv, fetchAuditPage, verifyAuditTrail } from '../relay-api/audit';
import type { AuditPage, AuditRow, ChainVerdict } from '../relay-api/contract';
import type { RelayEndpoint } from '../relay-api/request';

export type { AuditPage, AuditRow, ChainVerdict, RelayEndpoint };

/** What an auditor filters by; every field optional, combined with AND. */
export interface AuditFilter {
  /** Entra object id of the person who acted. */
  readonly actor?: string;
  /** The target's id: a card id, a user's object id, a template id, … */
  readonly target?: string;
  /** A dotted verb such as `card.issue`. */
  readonly action?: string;
  /** Inclusive lower bound, an ISO 8601 instant with its offset. */
  readonly from?: string;
  /** Exclusive upper bound, an ISO 8601 instant with its offset. */
  readonly to?: string;
}

/** Rows on one page of the Audit screen. */
export const AUDIT_PAGE_SIZE = 50;

/** The audit trail over the relay's `/api/audit`, as `relay`'s caller (an auditor) reads it. */
export interface AuditTrail {
  /** The newest page matching `filter`, or the one after `before` (a page's `nextBefore`). */
  page(filter: AuditFilter, before?: number): Promise<AuditPage>;
  /** Every row matching `filter`, as the CSV the service builds. */
  csv(filter: AuditFilter): Promise<string>;
  /** Checks the whole chain; names the first row that breaks it. */
  verify(): Promise<ChainVerdict>;
}

/** {@link AuditTrail} over `relay`. */
export function relayAuditTrail(relay: RelayEndpoint): AuditTrail {
  return {
    page: (filter, before) =>
      fetchAuditPage(relay, { ...filter, limit: AUDIT_PAGE_SIZE, ...(before !== undefined ? { before } : {}) }),
    csv: (filter) => fetchAuditCsv(relay, filter),
    verify: () => verifyAuditTrail(relay),
  };
}
