/**
 * The Batch TAP report as CSV (RFC 4180): one row per user with the pass id, its start time, whether it
 * was emailed, and what went wrong in words. Never a code: the relay never held one. A cell that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is prefixed with a quote.
 */
import type { BatchItem } from '../../relay-api/batch-contract';

/** What a user's row says happened. */
export const RESULT_WORDS: Readonly<Record<BatchItem['status'], string>> = {
  pending: 'Not yet sent',
  creating: 'Sent, not yet confirmed',
  created: 'Pass created',
  failed: 'Failed',
  skipped: 'Skipped',
};

const HEADER = ['User', 'User principal name', 'Result', 'Pass id', 'Start time', 'Delivered', 'Error'];

function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report of `items`, CRLF line ends, with a header row. */
export function reportCsv(items: readonly BatchItem[]): string {
  const rows = items.map((i) => [
    i.displayName,
    i.upn,
    RESULT_WORDS[i.status],
    i.passId ?? '',
    i.startDateTime ?? '',
    i.status === 'created' ? (i.delivered ? 'yes' : 'no') : '',
    i.error ?? '',
  ]);
  return [HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
