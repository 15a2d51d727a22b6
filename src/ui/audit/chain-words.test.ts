import { describe, expect, it } from 'vitest';
import { describeChainVerdict } from './chain-words';

describe('describeChainVerdict', () => {
  it('says the chain is intact with its row count', () => {
    expect(describeChainVerdict({ ok: true, rows: 12, lastHash: 'ab' })).toBe(
      'The chain is intact: all 12 rows check out, each linked to the one before it.',
    );
    expect(describeChainVerdict({ ok: true, rows: 0, lastHash: '' })).toMatch(/^The trail is empty/);
  });

  it('names the first broken row and what is wrong with it', () => {
    expect(describeChainVerdict({ ok: false, rows: 2, brokenSeq: 3, problem: 'ROW_ALTERED' })).toBe(
      'Row 3 was changed after it was written: its contents no longer match its hash. The 2 rows before it check out.',
    );
    expect(describeChainVerdict({ ok: false, rows: 3, brokenSeq: 4, problem: 'CHAIN_BROKEN' })).toMatch(
      /^Row 4 does not follow from row 3: .* row 3 was changed and re-hashed/,
    );
    expect(describeChainVerdict({ ok: false, rows: 0, brokenSeq: 2, problem: 'SEQUENCE_GAP' })).toBe(
      'Rows are missing before row 2: row 1 is gone from the trail (deleted). No row before it checks out.',
    );
    expect(describeChainVerdict({ ok: false, rows: 1, brokenSeq: 5, problem: 'SEQUENCE_GAP' })).toMatch(
      /rows 2 to 4 are gone/,
    );
  });
});
