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

/** Returns the data of a 9000 response; otherwise throws `pivErrorForStatus(sw, op)`. */
export function okData(response: ResponseApdu, op: PivOperation): Uint8Array {
  if (response.sw !== 0x9000) throw pivErrorForStatus(response.sw, op);
  return response.data;
}

/** Concatenates byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** Upper-case hex of `bytes`, for messages and traces (never for secrets). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

/** Bytes of an even-length hex string (spaces allowed). */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not hex: ${text}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (x) => parseInt(x, 16));
}
