/**
 * Status words with a generic meaning (ISO/IEC 7816-4:2020 §5.6, Tables 5 and 6) and their mapping to
 * `AppError('apdu', code, …, { sw })`. Application meanings (a PIV PIN that is wrong, a blocked PUK) are
 * mapped in piv/, which knows which reference the command addressed.
 */
import { AppError } from '../app-error';
import { sw as swHelpers } from './response';

/** Status words (§5.6). The xx-families are listed with xx = 00. */
export const SW = {
  SUCCESS: 0x9000,
  BYTES_REMAINING_00: 0x6100,
  WARNING_NV_UNCHANGED: 0x6200,
  DATA_MAY_BE_CORRUPTED: 0x6281,
  END_OF_FILE: 0x6282,
  FILE_DEACTIVATED: 0x6283,
  WARNING_NV_CHANGED: 0x6300,
  VERIFY_FAILED_00: 0x63c0,
  EXECUTION_ERROR: 0x6400,
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  CLA_FUNCTION_NOT_SUPPORTED: 0x6800,
  LOGICAL_CHANNEL_NOT_SUPPORTED: 0x6881,
  SECURE_MESSAGING_NOT_SUPPORTED: 0x6882,
  LAST_COMMAND_OF_CHAIN_EXPECTED: 0x6883,
  COMMAND_CHAINING_NOT_SUPPORTED: 0x6884,
  COMMAND_NOT_ALLOWED: 0x6900,
  INCOMPATIBLE_FILE_STRUCTURE: 0x6981,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_OF_USE_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED_NO_EF: 0x6986,
  WRONG_PARAMETERS: 0x6a00,
  INCORRECT_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  LC_INCONSISTENT_WITH_P1P2: 0x6a87,
  REFERENCE_DATA_NOT_FOUND: 0x6a88,
  FILE_ALREADY_EXISTS: 0x6a89,
  WRONG_P1P2: 0x6b00,
  WRONG_LE_00: 0x6c00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** `AppError('apdu', code)` codes that `errorForStatus` produces. */
export type StatusCode =
  | 'WARNING'
  | 'VERIFY_FAILED'
  | 'EXECUTION_ERROR'
  | 'MEMORY_FAILURE'
  | 'WRONG_LENGTH'
  | 'CLA_FUNCTION_NOT_SUPPORTED'
  | 'CHAINING_NOT_SUPPORTED'
  | 'COMMAND_NOT_ALLOWED'
  | 'SECURITY_STATUS'
  | 'AUTH_BLOCKED'
  | 'REFERENCE_DATA_NOT_USABLE'
  | 'CONDITIONS_NOT_SATISFIED'
  | 'WRONG_PARAMETERS'
  | 'INCORRECT_DATA'
  | 'FUNCTION_NOT_SUPPORTED'
  | 'FILE_NOT_FOUND'
  | 'RECORD_NOT_FOUND'
  | 'NOT_ENOUGH_MEMORY'
  | 'INCORRECT_P1P2'
  | 'REFERENCE_DATA_NOT_FOUND'
  | 'FILE_ALREADY_EXISTS'
  | 'WRONG_LE'
  | 'INS_NOT_SUPPORTED'
  | 'CLA_NOT_SUPPORTED'
  | 'UNKNOWN_STATUS';

/** Exact status words → [code, developer message]. */
const EXACT: ReadonlyMap<number, readonly [StatusCode, string]> = new Map([
  [SW.MEMORY_FAILURE, ['MEMORY_FAILURE', 'memory failure']],
  [SW.WRONG_LENGTH, ['WRONG_LENGTH', 'wrong length (Lc or Le)']],
  [SW.LOGICAL_CHANNEL_NOT_SUPPORTED, ['CLA_FUNCTION_NOT_SUPPORTED', 'logical channel not supported']],
  [SW.SECURE_MESSAGING_NOT_SUPPORTED, ['CLA_FUNCTION_NOT_SUPPORTED', 'secure messaging not supported']],
  [SW.LAST_COMMAND_OF_CHAIN_EXPECTED, ['CHAINING_NOT_SUPPORTED', 'last command of the chain expected']],
  [SW.COMMAND_CHAINING_NOT_SUPPORTED, ['CHAINING_NOT_SUPPORTED', 'command chaining not supported']],
  [SW.SECURITY_STATUS_NOT_SATISFIED, ['SECURITY_STATUS', 'security status not satisfied']],
  [SW.AUTH_METHOD_BLOCKED, ['AUTH_BLOCKED', 'authentication method blocked']],
  [SW.REFERENCE_DATA_NOT_USABLE, ['REFERENCE_DATA_NOT_USABLE', 'reference data not usable']],
  [SW.CONDITIONS_OF_USE_NOT_SATISFIED, ['CONDITIONS_NOT_SATISFIED', 'conditions of use not satisfied']],
  [SW.WRONG_PARAMETERS, ['WRONG_PARAMETERS', 'wrong parameters P1-P2']],
  [SW.WRONG_P1P2, ['WRONG_PARAMETERS', 'wrong parameters P1-P2']],
  [SW.INCORRECT_DATA, ['INCORRECT_DATA', 'incorrect parameters in the command data field']],
  [SW.FUNCTION_NOT_SUPPORTED, ['FUNCTION_NOT_SUPPORTED', 'function not supported']],
  [SW.FILE_NOT_FOUND, ['FILE_NOT_FOUND', 'file or application not found']],
  [SW.RECORD_NOT_FOUND, ['RECORD_NOT_FOUND', 'record not found']],
  [SW.NOT_ENOUGH_MEMORY, ['NOT_ENOUGH_MEMORY', 'not enough memory space in the file']],
  [SW.INCORRECT_P1P2, ['INCORRECT_P1P2', 'incorrect parameters P1-P2']],
  [SW.LC_INCONSISTENT_WITH_P1P2, ['WRONG_PARAMETERS', 'Nc inconsistent with P1-P2']],
  [SW.REFERENCE_DATA_NOT_FOUND, ['REFERENCE_DATA_NOT_FOUND', 'referenced data or reference data not found']],
  [SW.FILE_ALREADY_EXISTS, ['FILE_ALREADY_EXISTS', 'file already exists']],
  [SW.INS_NOT_SUPPORTED, ['INS_NOT_SUPPORTED', 'instruction code not supported or invalid']],
  [SW.CLA_NOT_SUPPORTED, ['CLA_NOT_SUPPORTED', 'class not supported']],
]);

/** SW1 families → [code, message] when no exact match applies. */
const BY_SW1: ReadonlyMap<number, readonly [StatusCode, string]> = new Map([
  [0x62, ['WARNING', 'warning: non-volatile memory unchanged']],
  [0x63, ['WARNING', 'warning: non-volatile memory changed']],
  [0x64, ['EXECUTION_ERROR', 'execution error: non-volatile memory unchanged']],
  [0x65, ['EXECUTION_ERROR', 'execution error: non-volatile memory changed']],
  [0x68, ['CLA_FUNCTION_NOT_SUPPORTED', 'functions in CLA not supported']],
  [0x69, ['COMMAND_NOT_ALLOWED', 'command not allowed']],
  [0x6a, ['WRONG_PARAMETERS', 'wrong parameters P1-P2']],
  [0x6c, ['WRONG_LE', 'wrong Le field']],
]);

/**
 * The `AppError('apdu', code, message, { sw })` for a status word that is not success. 63Cx becomes
 * `VERIFY_FAILED` with `retriesLeft: x`, and 6983 `AUTH_BLOCKED` with `retriesLeft: 0`.
 */
export function errorForStatus(status: number): AppError<StatusCode> {
  const hex = swHelpers.toHex(status);
  if ((status & 0xfff0) === SW.VERIFY_FAILED_00) {
    const retriesLeft = status & 0x0f;
    return new AppError('apdu', 'VERIFY_FAILED', `SW ${hex}: verification failed, ${retriesLeft} tries left`, {
      sw: status,
      retriesLeft,
    });
  }
  const exact = EXACT.get(status) ?? BY_SW1.get(status >> 8);
  const [code, text] = exact ?? (['UNKNOWN_STATUS', 'unexpected status'] as const);
  const fields: Record<string, unknown> = { sw: status };
  if (code === 'AUTH_BLOCKED') fields.retriesLeft = 0;
  return new AppError('apdu', code, `SW ${hex}: ${text}`, fields);
}
