/**
 * One way to give a reason in the audit trail, whoever writes the row: the relay's own refusals
 * (record.ts) and the page's rows (src/workflows/audit-entries.ts) both carry the error's sentence then
 * its code, so an auditor filters on one form.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/app-error';
import { reasonOf } from '../../src/workflows/audit-entries';
import { outcomeOf } from './record';

describe('audit reasons', () => {
  it('the relay and the page word the same refusal the same way: its sentence, then its code', () => {
    const e = new AppError('relay', 'CARD_RETIRED', 'The card is retired.', { status: 409 });
    expect(outcomeOf(e)).toEqual({ outcome: 'refused', reason: 'The card is retired. (CARD_RETIRED)' });
    expect(reasonOf(e)).toBe('The card is retired. (CARD_RETIRED)');
  });

  it('keeps one printable line of at most 500 characters, and says something for an error without words', () => {
    const long = new AppError('workflows', 'STEP_FAILED', `first\nsecond\t${'x'.repeat(600)}`);
    const reason = reasonOf(long);
    expect(reason).toMatch(/^first second x+ \(STEP_FAILED\)$/);
    expect(reason).toHaveLength(500);
    expect(reasonOf(new Error(''))).toBe('The operation failed for an unknown reason.');
    expect(reasonOf('thrown text')).toBe('The operation failed for an unknown reason.');
  });
});
