/**
 * The browser's client for the audit trail (`/api/audit`): operators and administrators append what
 * they did (the actor comes from their token, never from the body); auditors page through it, export it
 * as CSV and verify its hash chain. Nothing sent here may hold a PIN, PUK, key or TAP code.
 */
import { AuditPage, AuditRow, ChainVerdict, type AuditAppendBody, type AuditQuery } from './contract';
import { relayCall, relayText, type RelayEndpoint } from './request';

/** Appends one audit row and returns it as stored. */
export function appendAuditRow(relay: RelayEndpoint, entry: AuditAppendBody): Promise<AuditRow> {
  return relayCall(relay, { path: '/api/audit', body: entry, answer: AuditRow });
}

/** One page of the trail, newest first, filtered by `query`. */
export function fetchAuditPage(relay: RelayEndpoint, query: Omit<AuditQuery, 'format'>): Promise<AuditPage> {
  return relayCall(relay, { path: '/api/audit', query: { ...query, format: 'json' }, answer: AuditPage });
}

/** The whole trail matching `query` as CSV (the service builds it). */
export function fetchAuditCsv(
  relay: RelayEndpoint,
  query: Omit<AuditQuery, 'format' | 'before' | 'limit'>,
): Promise<string> {
  return relayText(relay, { path: '/api/audit', query: { ...query, format: 'csv' } });
}

/** The chain's verdict, naming the first row that breaks it. */
export function verifyAuditTrail(relay: RelayEndpoint): Promise<ChainVerdict> {
  return relayCall(relay, { path: '/api/audit/verify', answer: ChainVerdict });
}
