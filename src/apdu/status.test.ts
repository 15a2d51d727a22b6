import { describe, expect, it } from 'vitest';
import { splitResponse, sw } from './response';
import { errorForStatus, SW } from './status';

describe('response APDU (ISO/IEC 7816-4:2020 §5.1)', () => {
  it('splits data and SW1 SW2', () => {
    // data 01 02 | SW1 90 | SW2 00
    expect(splitResponse(Uint8Array.of(0x01, 0x02, 0x90, 0x00))).toEqual({ data: Uint8Array.of(1, 2), sw: 0x9000 });
    expect(splitResponse(Uint8Array.of(0x6a, 0x82))).toEqual({ data: new Uint8Array(0), sw: 0x6a82 });
    expect(() => splitResponse(Uint8Array.of(0x90))).toThrow(
      expect.objectContaining({ layer: 'apdu', code: 'RESPONSE_INVALID' }),
    );
  });

  it('classifies status words', () => {
    expect([sw.isSuccess(0x9000), sw.isBytesRemaining(0x6110), sw.isWrongLe(0x6c20), sw.isWarning(0x6283)]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([sw.isSuccess(0x6100), sw.isBytesRemaining(0x6c00), sw.isWrongLe(0x6100), sw.isWarning(0x6a82)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect([sw.sw1(0x63c2), sw.sw2(0x63c2), sw.of(0x63, 0xc2), sw.toHex(0x9000)]).toEqual([0x63, 0xc2, 0x63c2, '9000']);
  });
});

describe('errorForStatus (ISO/IEC 7816-4:2020 §5.6)', () => {
  const hasCode = (status: number, code: string) => {
    const e = errorForStatus(status);
    expect(e).toMatchObject({ layer: 'apdu', code, fields: { sw: status } });
    expect(e.message).toContain(sw.toHex(status));
  };

  it.each([
    [SW.MEMORY_FAILURE, 'MEMORY_FAILURE'],
    [SW.WRONG_LENGTH, 'WRONG_LENGTH'],
    [SW.LOGICAL_CHANNEL_NOT_SUPPORTED, 'CLA_FUNCTION_NOT_SUPPORTED'],
    [SW.SECURE_MESSAGING_NOT_SUPPORTED, 'CLA_FUNCTION_NOT_SUPPORTED'],
    [SW.LAST_COMMAND_OF_CHAIN_EXPECTED, 'CHAINING_NOT_SUPPORTED'],
    [SW.COMMAND_CHAINING_NOT_SUPPORTED, 'CHAINING_NOT_SUPPORTED'],
    [SW.SECURITY_STATUS_NOT_SATISFIED, 'SECURITY_STATUS'],
    [SW.AUTH_METHOD_BLOCKED, 'AUTH_BLOCKED'],
    [SW.REFERENCE_DATA_NOT_USABLE, 'REFERENCE_DATA_NOT_USABLE'],
    [SW.CONDITIONS_OF_USE_NOT_SATISFIED, 'CONDITIONS_NOT_SATISFIED'],
    [SW.WRONG_PARAMETERS, 'WRONG_PARAMETERS'],
    [SW.INCORRECT_DATA, 'INCORRECT_DATA'],
    [SW.FUNCTION_NOT_SUPPORTED, 'FUNCTION_NOT_SUPPORTED'],
    [SW.FILE_NOT_FOUND, 'FILE_NOT_FOUND'],
    [SW.RECORD_NOT_FOUND, 'RECORD_NOT_FOUND'],
    [SW.NOT_ENOUGH_MEMORY, 'NOT_ENOUGH_MEMORY'],
    [SW.INCORRECT_P1P2, 'INCORRECT_P1P2'],
    [SW.LC_INCONSISTENT_WITH_P1P2, 'WRONG_PARAMETERS'],
    [SW.REFERENCE_DATA_NOT_FOUND, 'REFERENCE_DATA_NOT_FOUND'],
    [SW.FILE_ALREADY_EXISTS, 'FILE_ALREADY_EXISTS'],
    [SW.WRONG_P1P2, 'WRONG_PARAMETERS'],
    [SW.INS_NOT_SUPPORTED, 'INS_NOT_SUPPORTED'],
    [SW.CLA_NOT_SUPPORTED, 'CLA_NOT_SUPPORTED'],
  ])('exact status word %s → %s', hasCode);

  it.each([
    [0x6283, 'WARNING'],
    [0x6310, 'WARNING'],
    [0x6400, 'EXECUTION_ERROR'],
    [0x6502, 'EXECUTION_ERROR'],
    [0x6800, 'CLA_FUNCTION_NOT_SUPPORTED'],
    [0x6999, 'COMMAND_NOT_ALLOWED'],
    [0x6aff, 'WRONG_PARAMETERS'],
    [0x6c10, 'WRONG_LE'],
    [0x6f00, 'UNKNOWN_STATUS'],
    [0x1234, 'UNKNOWN_STATUS'],
  ])('by SW1 family %s → %s', hasCode);

  it('gives retriesLeft for 63Cx and 6983', () => {
    expect(errorForStatus(0x63c2)).toMatchObject({ code: 'VERIFY_FAILED', fields: { sw: 0x63c2, retriesLeft: 2 } });
    expect(errorForStatus(0x63c0).fields.retriesLeft).toBe(0);
    expect(errorForStatus(0x6983).fields.retriesLeft).toBe(0);
  });
});
