import { describe, expect, it } from 'vitest';
import { AppError } from '../app-error';
import { pivErrorForStatus } from '../piv/errors';
import { checkPinPolicy } from '../cards/pins';
import { describeError } from './describe-error';

const thrown = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('nothing thrown');
};

describe('describeError: lifecycle codes', () => {
  it('says how many tries are left from the status word the card answered', () => {
    expect(describeError(pivErrorForStatus(0x63c2, 'verify-pin'))).toBe('The card refused the PIN. Tries left: 2.');
    expect(describeError(pivErrorForStatus(0x63c1, 'unblock-pin'))).toBe(
      'The card refused the PUK. Tries left: 1. One more wrong try blocks it.',
    );
    expect(describeError(pivErrorForStatus(0x6983, 'verify-pin'))).toBe(
      'The PIN is blocked. Use Unblock to set a new one.',
    );
  });

  it('states the PIN policy that was broken, from the workflow error fields', () => {
    const policy = { minLength: 6, maxLength: 8, digitsOnly: true };
    expect(describeError(thrown(() => checkPinPolicy('12a4567', policy)))).toBe(
      'The new PIN must be 6 to 8 digits long and not the factory default 123456.',
    );
  });

  it('says to import the key file into the relay when this browser has no key to move, and names the state of a bound card', () => {
    expect(describeError(new AppError('workflows', 'MASTER_KEY_MISSING', 'x'))).toContain(
      'Import the key file into the relay',
    );
    const bound = describeError(new AppError('workflows', 'CARD_BOUND', 'x', { state: 'active' }));
    expect(bound).toContain('holds this card as active');
    expect(bound).toContain('retire it first');
  });
});
