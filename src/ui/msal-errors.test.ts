import { describe, expect, it } from 'vitest';
import { BrowserAuthError } from '@azure/msal-browser';
import { mapMsalError } from '../entra/msal-adapter';
import { describeError } from './describe-error';

describe('MSAL errors in words', () => {
  it('a sign-in window that never answered (closed under COOP) is a time-out the operator can retry', () => {
    const e = mapMsalError(new BrowserAuthError('timed_out', 'redirect_bridge_timeout'), 'login.microsoftonline.com');
    expect(e).toMatchObject({ layer: 'entra', code: 'SIGN_IN_TIMED_OUT', fields: { msalCode: 'timed_out' } });
    expect(describeError(e)).toBe(
      'The sign-in window did not finish within 90 seconds: it was closed, or left waiting. Try again.',
    );
  });

  it('maps by error code, and keeps unknown codes as a generic failure naming the code', () => {
    expect(mapMsalError(new BrowserAuthError('user_cancelled', ''), 'h').code).toBe('SIGN_IN_CANCELLED');
    expect(mapMsalError(new BrowserAuthError('something_new', ''), 'h')).toMatchObject({
      code: 'SIGN_IN_FAILED',
      message: 'Sign-in failed (something_new).',
    });
  });
});
