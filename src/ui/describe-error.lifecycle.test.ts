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

  it('says a refused issuance was undone, which keys stay, and what is left when the undo stopped', () => {
    const refusal = {
      step: 'generate-key',
      stepLabel: 'Generate the key pair and certificate request',
      sw: 0x6a80,
      refused: 'ALGORITHM_NOT_SUPPORTED',
      operation: 'generate',
      keysLeft: '9a',
    };
    const undone = describeError(new AppError('workflows', 'REFUSED_ROLLED_BACK', 'x', refusal));
    expect(undone).toBe(
      'The card refused the step "Generate the key pair and certificate request" (status 6A80), so Keyward undid the issuance: the card is as it was before (no binding to the holder, the factory PIN, PUK and management key, no certificate) and reads Blank; the registry does not hold it as issued. The key generated in slot 9A stays on the card: PIV has no command that deletes a key, no certificate names it, and issuing the card again replaces it. The card does not have the key algorithm the template asks for: issue it under a template with an algorithm Detect lists for it.',
    );
    const left = { ...refusal, left: 'management-key,chuid', keysLeft: '9a,9e' };
    const stopped = describeError(new AppError('workflows', 'ROLLBACK_INCOMPLETE', 'x', left));
    expect(stopped).toContain(
      'may still carry a management key other than the factory one and the binding to the holder (its CHUID).',
    );
    expect(stopped).toContain('reset the card before anyone uses it');
    expect(stopped).toContain('keys generated in slots 9A and 9E stay on the card');
  });
});
