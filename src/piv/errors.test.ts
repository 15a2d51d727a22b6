/**
 * The PIV meaning of status words depends on the operation (errors.ts).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../app-error';
import { isCardRefusal, isNotSupported, pivError, pivErrorForStatus } from './errors';

describe('pivErrorForStatus', () => {
  const cases: [number, Parameters<typeof pivErrorForStatus>[1], string, Record<string, unknown>][] = [
    [0x63c4, 'verify-pin', 'PIN_INVALID', { retriesLeft: 4, reference: 'PIN' }],
    [0x63c0, 'change-puk', 'PIN_BLOCKED', { retriesLeft: 0, reference: 'PUK' }],
    [0x6983, 'unblock-pin', 'PIN_BLOCKED', { retriesLeft: 0, reference: 'PUK' }],
    [0x6982, 'authenticate-management', 'AUTH_FAILED', {}],
    [0x6a80, 'authenticate-management', 'AUTH_FAILED', {}],
    [0x6982, 'put-data', 'SECURITY_STATUS', {}],
    [0x6a82, 'get-data', 'NOT_FOUND', {}],
    [0x6d00, 'get-serial', 'NOT_SUPPORTED', {}],
    [0x6a81, 'get-metadata', 'FUNCTION_NOT_SUPPORTED', {}],
    [0x6e00, 'get-version', 'CLASS_NOT_SUPPORTED', {}],
    [0x6a86, 'get-metadata', 'PARAMETERS_NOT_SUPPORTED', {}],
    [0x6a86, 'get-data', 'PARAMETERS_NOT_SUPPORTED', {}],
    [0x6a80, 'set-management-key', 'ALGORITHM_NOT_SUPPORTED', {}],
    [0x6a80, 'generate', 'ALGORITHM_NOT_SUPPORTED', {}],
    [0x6a80, 'put-data', 'INCORRECT_DATA', {}],
    [0x63c1, 'put-data', 'COMMAND_FAILED', {}],
    [0x6700, 'sign', 'COMMAND_FAILED', {}],
  ];
  for (const [sw, op, code, fields] of cases) {
    it(`${sw.toString(16).toUpperCase()} after ${op} → ${code}`, () => {
      const e = pivErrorForStatus(sw, op);
      expect(e).toMatchObject({ layer: 'piv', code, fields: { sw, operation: op, ...fields } });
      expect(e.cause).toMatchObject({ layer: 'apdu', fields: { sw } });
    });
  }
});

describe('isNotSupported', () => {
  it('groups 6D00, 6A81 and 6E00 after anything, and 6A86 after an optional operation only', () => {
    const said = (sw: number, op: Parameters<typeof pivErrorForStatus>[1]) => isNotSupported(pivErrorForStatus(sw, op));
    expect([said(0x6d00, 'get-serial'), said(0x6a81, 'put-data'), said(0x6e00, 'select')]).toEqual([true, true, true]);
    expect([said(0x6a86, 'get-metadata'), said(0x6a86, 'get-data')]).toEqual([true, false]);
    // A refused algorithm is an answer about the algorithm, not about the command: callers fall back on it.
    expect([said(0x6a80, 'set-management-key'), said(0x6a82, 'get-data'), said(0x6982, 'put-data')]).toEqual([
      false,
      false,
      false,
    ]);
    expect(isNotSupported(new Error('6D00'))).toBe(false);
  });
});

describe('isCardRefusal', () => {
  it("is the card's own status word, never a transport fault nor a malformed answer", () => {
    expect(isCardRefusal(pivErrorForStatus(0x6a80, 'generate'))).toBe(true);
    expect(isCardRefusal(pivErrorForStatus(0x63c2, 'change-puk'))).toBe(true);
    expect(isCardRefusal(pivError('RESPONSE_INVALID', 'GET DATA answered without a 53'))).toBe(false);
    expect(isCardRefusal(new AppError('transport', 'NO_CARD', 'the card was removed', { sw: 0x6a80 }))).toBe(false);
    expect(isCardRefusal(new Error('6A80'))).toBe(false);
  });
});
