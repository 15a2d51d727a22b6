/**
 * Status words → application meaning for the PIV layer (SP 800-73-4 Part 2 §3, status tables under each
 * command; ISO/IEC 7816-4 §5.6 for the generic meaning, which src/apdu/status.ts gives as `cause`).
 *
 * The operation decides the meaning: 63Cx after VERIFY is a wrong PIN with x tries left, 6982 after a
 * management-key GENERAL AUTHENTICATE is a wrong management key. Messages never carry the secret itself.
 */
import { layerErrors, type AppError } from '../app-error';
import { errorForStatus } from '../apdu/status';

/** Codes of `AppError('piv', …)`. */
export type PivErrorCode =
  | 'PIN_INVALID'
  | 'PIN_BLOCKED'
  | 'NOT_FOUND'
  | 'SECURITY_STATUS'
  | 'NOT_SUPPORTED'
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

/** Shorthand for a PIV-layer error. */
export const pivError = layerErrors<PivErrorCode>('piv');

/**
 * The `AppError('piv', …)` for status word `sw` returned by `op`:
 * - 63Cx on VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER → `PIN_INVALID` `{ retriesLeft: x, reference }`
 *   (x = 0 → `PIN_BLOCKED`);
 * - 6983 → `PIN_BLOCKED` `{ retriesLeft: 0 }` (for the management key: `AUTH_FAILED`, it has no counter here);
 * - 6A82 → `NOT_FOUND`; 6982 → `SECURITY_STATUS`, or `AUTH_FAILED` after a management-key challenge;
 * - 6D00 / 6A81, and 6A86 on optional operations → `NOT_SUPPORTED`;
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
  if (sw === 0x6d00 || sw === 0x6a81 || (sw === 0x6a86 && OPTIONAL_OPS.has(op))) {
    return pivError('NOT_SUPPORTED', `the card does not support ${op} (SW ${swHex})`, fields, cause);
  }
  return pivError('COMMAND_FAILED', `${op} failed: ${cause.message}`, fields, cause);
}
