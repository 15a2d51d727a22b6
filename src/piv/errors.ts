/**
 * Status words → application meaning for the PIV layer (SP 800-73-4 Part 2 §3, status tables under each
 * command; ISO/IEC 7816-4 §5.6 for the generic meaning, which src/apdu/status.ts gives as `cause`).
 *
 * The operation decides the meaning: 63Cx after VERIFY is a wrong PIN with x tries left, 6982 after a
 * management-key GENERAL AUTHENTICATE is a wrong management key. Messages never carry the secret itself.
 */
import { isAppError, layerErrors, type AppError } from '../app-error';
import { errorForStatus } from '../apdu/status';

/** Codes of `AppError('piv', …)`. */
export type PivErrorCode =
  | 'PIN_INVALID'
  | 'PIN_BLOCKED'
  | 'NOT_FOUND'
  | 'SECURITY_STATUS'
  | 'NOT_SUPPORTED'
  | 'FUNCTION_NOT_SUPPORTED'
  | 'CLASS_NOT_SUPPORTED'
  | 'PARAMETERS_NOT_SUPPORTED'
  | 'ALGORITHM_NOT_SUPPORTED'
  | 'INCORRECT_DATA'
  | 'AUTH_FAILED'
  | 'INVALID_ARGUMENT'
  | 'RESPONSE_INVALID'
  | 'NOT_PIV'
  | 'COMMAND_FAILED';

/** What the failing command was doing, which decides how its status word reads. */
export type PivOperation =
  | 'select'
  | 'get-data'
  | 'put-data'
  | 'verify-pin'
  | 'verify-puk'
  | 'change-pin'
  | 'change-puk'
  | 'unblock-pin'
  | 'authenticate-management'
  | 'set-management-key'
  | 'generate'
  | 'sign'
  | 'get-version'
  | 'get-serial'
  | 'get-metadata'
  | 'set-pin-retries'
  | 'attest'
  | 'reset';

/** Which reference data a PIN-family operation tried. */
function referenceOf(op: PivOperation): 'PIN' | 'PUK' | undefined {
  if (op === 'verify-pin' || op === 'change-pin') return 'PIN';
  if (op === 'verify-puk' || op === 'change-puk' || op === 'unblock-pin') return 'PUK';
  return undefined;
}

/** Operations that are Yubico extensions or depend on optional card features (6A86 means "not here"). */
const OPTIONAL_OPS: ReadonlySet<PivOperation> = new Set([
  'get-version',
  'get-serial',
  'get-metadata',
  'set-pin-retries',
  'attest',
  'reset',
  'set-management-key',
  'generate',
]);

/** Operations whose command data names an algorithm, so 6A80 there reads "this algorithm is not supported". */
const ALGORITHM_OPS: ReadonlySet<PivOperation> = new Set(['set-management-key', 'generate']);

/** Codes that mean "the card does not offer this" whatever the operation (6D00, 6A81, 6E00). */
const UNSUPPORTED: ReadonlySet<string> = new Set(['NOT_SUPPORTED', 'FUNCTION_NOT_SUPPORTED', 'CLASS_NOT_SUPPORTED']);

/**
 * True when `e` says the card lacks the command or feature it was asked for: 6D00, 6A81 or 6E00 after
 * anything, or 6A86 (P1-P2 it does not know) after an optional operation, e.g. GET METADATA for a
 * reference the card keeps no metadata for. Callers use it where a missing extension is an answer.
 */
export function isNotSupported(e: unknown): boolean {
  if (!isAppError(e, 'piv')) return false;
  if (UNSUPPORTED.has(e.code)) return true;
  return e.code === 'PARAMETERS_NOT_SUPPORTED' && OPTIONAL_OPS.has(e.fields.operation as PivOperation);
}

/**
 * `step()`'s result, or `fallback` when it fails with the PIV error that `says` names: a code
 * (`'NOT_FOUND'`) or a test such as {@link isNotSupported}. Any other error is thrown on.
 */
export async function orIfCardSays<T, F>(
  step: () => Promise<T>,
  says: PivErrorCode | ((e: unknown) => boolean),
  fallback: F,
): Promise<T | F> {
  try {
    return await step();
  } catch (e) {
    if (typeof says === 'string' ? isAppError(e, 'piv', says) : says(e)) return fallback;
    throw e;
  }
}

/** `step()`'s result, or undefined when the card lacks the command ({@link isNotSupported}) or what it asked for (6A82). */
export function ifCardHas<T>(step: () => Promise<T>): Promise<T | undefined> {
  return orIfCardSays(step, (e) => isNotSupported(e) || isAppError(e, 'piv', 'NOT_FOUND'), undefined);
}

/**
 * True when `e` is the card's own answer refusing a command: a PIV error carrying the status word the card
 * returned (SP 800-73-4 Part 2 §3). A transport fault (card pulled, USB error) is not one: after it,
 * nobody knows whether the card ran the command.
 */
export function isCardRefusal(e: unknown): e is AppError<PivErrorCode> {
  return isAppError(e, 'piv') && typeof e.fields.sw === 'number';
}

/** Shorthand for a PIV-layer error. */
export const pivError = layerErrors<PivErrorCode>('piv');

/**
 * The `AppError('piv', …)` for status word `sw` returned by `op`:
 * - 63Cx on VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER → `PIN_INVALID` `{ retriesLeft: x, reference }`
 *   (x = 0 → `PIN_BLOCKED`);
 * - 6983 → `PIN_BLOCKED` `{ retriesLeft: 0 }` (for the management key: `AUTH_FAILED`, it has no counter here);
 * - 6A82 → `NOT_FOUND`; 6982 → `SECURITY_STATUS`, or `AUTH_FAILED` after a management-key challenge;
 * - ISO/IEC 7816-4 §5.6 "checking errors", each to its own code so callers can tell them apart:
 *   6D00 → `NOT_SUPPORTED` (instruction), 6A81 → `FUNCTION_NOT_SUPPORTED`, 6E00 → `CLASS_NOT_SUPPORTED`,
 *   6A86 → `PARAMETERS_NOT_SUPPORTED` (P1-P2), 6A80 → `ALGORITHM_NOT_SUPPORTED` after a command whose
 *   data names an algorithm (SET MANAGEMENT KEY, GENERATE), else `INCORRECT_DATA`; {@link isNotSupported}
 *   groups the first four for callers to whom a missing extension is an answer;
 * - anything else → `COMMAND_FAILED`, with the generic apdu error as `cause`.
 */
export function pivErrorForStatus(
  sw: number,
  op: PivOperation,
  extra: Record<string, unknown> = {},
): AppError<PivErrorCode> {
  const cause = errorForStatus(sw);
  const swHex = sw.toString(16).toUpperCase().padStart(4, '0');
  const reference = referenceOf(op);
  const fields = { sw, operation: op, ...extra, ...(reference ? { reference } : {}) };
  if (reference && (sw & 0xfff0) === 0x63c0) {
    const retriesLeft = sw & 0x0f;
    if (retriesLeft === 0)
      return pivError('PIN_BLOCKED', `${reference} is blocked (SW ${swHex})`, { ...fields, retriesLeft }, cause);
    return pivError(
      'PIN_INVALID',
      `wrong ${reference}: ${retriesLeft} tries left (SW ${swHex})`,
      { ...fields, retriesLeft },
      cause,
    );
  }
  if (op === 'authenticate-management' && (sw === 0x6982 || sw === 0x6a80 || sw === 0x6983)) {
    return pivError('AUTH_FAILED', `the card refused the management key (SW ${swHex})`, fields, cause);
  }
  if (sw === 0x6983)
    return pivError(
      'PIN_BLOCKED',
      `${reference ?? 'reference data'} is blocked (SW ${swHex})`,
      { ...fields, retriesLeft: 0 },
      cause,
    );
  if (sw === 0x6a82) return pivError('NOT_FOUND', `not found on the card during ${op} (SW ${swHex})`, fields, cause);
  if (sw === 0x6982)
    return pivError(
      'SECURITY_STATUS',
      `${op} needs a PIN or management-key authentication first (SW ${swHex})`,
      fields,
      cause,
    );
  const checking = checkingError(sw, op, `during ${op} (SW ${swHex})`, fields, cause);
  if (checking) return checking;
  return pivError('COMMAND_FAILED', `${op} failed: ${cause.message}`, fields, cause);
}

/** ISO/IEC 7816-4 §5.6 checking errors that have their own code; undefined for any other status word. */
function checkingError(
  sw: number,
  op: PivOperation,
  where: string,
  fields: Record<string, unknown>,
  cause: AppError,
): AppError<PivErrorCode> | undefined {
  if (sw === 0x6d00) return pivError('NOT_SUPPORTED', `instruction not supported by the card ${where}`, fields, cause);
  if (sw === 0x6a81)
    return pivError('FUNCTION_NOT_SUPPORTED', `function not supported by the card ${where}`, fields, cause);
  if (sw === 0x6e00) return pivError('CLASS_NOT_SUPPORTED', `class not supported by the card ${where}`, fields, cause);
  if (sw === 0x6a86)
    return pivError('PARAMETERS_NOT_SUPPORTED', `parameters P1-P2 not supported ${where}`, fields, cause);
  if (sw === 0x6a80 && ALGORITHM_OPS.has(op))
    return pivError('ALGORITHM_NOT_SUPPORTED', `the card refused the algorithm ${where}`, fields, cause);
  if (sw === 0x6a80) return pivError('INCORRECT_DATA', `the card refused the command data ${where}`, fields, cause);
  return undefined;
}
