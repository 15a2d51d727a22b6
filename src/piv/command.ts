/**
 * The shape of a PIV command, after Ledger's `Command`: a pure `getApdu(args)` that builds the command
 * APDU and a pure `parseResponse(response)` that reads the complete response (after ISO 7816-4 chaining,
 * done by `ApduChannel`). Neither does I/O; `PivSession` is the one place that sends them.
 */
import type { CommandApdu } from '../apdu/command';
import type { ResponseApdu } from '../apdu/response';
import { pivErrorForStatus, type PivOperation } from './errors';

/** A PIV command: pure builder and parser. */
export interface PivCommand<A, R> {
  /** Names the operation for error mapping (`pivErrorForStatus`). */
  readonly operation: PivOperation;
  /** Builds the command APDU. Throws `AppError('piv', 'INVALID_ARGUMENT')` on bad arguments. */
  getApdu(args: A): CommandApdu;
  /** Reads the response; throws the PIV meaning of a status word that is not success. */
  parseResponse(response: ResponseApdu): R;
}

/**
 * A PIV command APDU: CLA 00, the interindustry class every PIV command uses (SP 800-73-4 Part 2 §3; the
 * channel sets the chaining bit itself), then INS P1 P2 and, where the command has them, its data and Ne.
 */
export function pivApdu(
  ins: number,
  p1: number,
  p2: number,
  body: { readonly data?: Uint8Array; readonly le?: number } = {},
): CommandApdu {
  return { cla: 0x00, ins, p1, p2, ...body };
}

/** Returns the data of a 9000 response; otherwise throws `pivErrorForStatus(sw, op)`. */
export function okData(response: ResponseApdu, op: PivOperation): Uint8Array {
  if (response.sw !== 0x9000) throw pivErrorForStatus(response.sw, op);
  return response.data;
}
