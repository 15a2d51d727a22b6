import { describe, expect, it } from 'vitest';
import { AppError } from '../app-error';
import { describeError } from './describe-error';

describe('describeError', () => {
  it('turns known codes into actionable sentences using the fields', () => {
    const e = new AppError('entra', 'AUTHORITY_UNREACHABLE', 'x', { authorityHost: 'localhost:8443' });
    expect(describeError(e)).toMatch(/localhost:8443 could not be reached/);
    expect(describeError(new AppError('entra', 'POPUP_BLOCKED', 'x'))).toMatch(/Allow pop-ups/);
  });

  it('lists the problems of invalid settings', () => {
    const e = new AppError('workflows', 'INVALID_SETTINGS', 'x', { problems: ['Tenant ID must be a GUID.'] });
    expect(describeError(e)).toBe('These settings cannot be saved: Tenant ID must be a GUID.');
  });

  it('falls back to the message for unknown codes and plain errors', () => {
    expect(describeError(new AppError('ccid', 'SOMETHING', 'The reader said no.'))).toBe('The reader said no.');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError('text')).toBe('text');
  });
});
