/**
 * The audit chain's verdict (`GET /api/audit/verify`, relay/audit/chain.ts) in words an auditor can act
 * on: how many rows check out, and which row breaks the chain and how.
 */
import type { ChainVerdict } from '../../state/audit.svelte';

const rowsBefore = (rows: number) =>
  rows === 0
    ? 'No row before it checks out.'
    : rows === 1
      ? 'The row before it checks out.'
      : `The ${rows} rows before it check out.`;

/** One or two sentences for `verdict`. */
export function describeChainVerdict(verdict: ChainVerdict): string {
  if (verdict.ok)
    return verdict.rows === 0
      ? 'The trail is empty: there is nothing to check yet.'
      : `The chain is intact: all ${verdict.rows} ${verdict.rows === 1 ? 'row checks' : 'rows check'} out, each linked to the one before it.`;
  const row = verdict.brokenSeq;
  switch (verdict.problem) {
    case 'ROW_ALTERED':
      return `Row ${row} was changed after it was written: its contents no longer match its hash. ${rowsBefore(verdict.rows)}`;
    case 'CHAIN_BROKEN':
      return `Row ${row} does not follow from row ${row - 1}: the hash it carries for the row before it does not match, so row ${row - 1} was changed and re-hashed, or rows were replaced. ${rowsBefore(verdict.rows)}`;
    case 'SEQUENCE_GAP': {
      const expected = verdict.rows + 1;
      const missing = expected === row - 1 ? `row ${expected} is` : `rows ${expected} to ${row - 1} are`;
      return `Rows are missing before row ${row}: ${missing} gone from the trail (deleted). ${rowsBefore(verdict.rows)}`;
    }
  }
}
