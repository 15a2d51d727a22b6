import { toHex } from '../../bytes';

/**
 * The card's APDU log, kept for counting and debugging. Secrets never enter it: the data of VERIFY,
 * CHANGE REFERENCE DATA, RESET RETRY COUNTER, SET MANAGEMENT KEY and IMPORT KEY commands is replaced by
 * its length (STYLE.md "Secrets"), and so is the data of management-key GENERAL AUTHENTICATE and of
 * every GENERAL AUTHENTICATE response (it may be an ECDH shared secret).
 */

/** One logged APDU. `hex` is the redacted bytes; `sw` is set on responses. */
export interface ApduLogEntry {
  readonly direction: 'command' | 'response';
  readonly hex: string;
  readonly ins: number;
  readonly sw?: number;
  readonly timestamp: number;
}

/** Instructions whose command data is secret (PIN, PUK, key material). */
const SECRET_INS = new Set([0x20, 0x24, 0x2c, 0xff, 0xfe]);

/** The command as it may be logged. */
export function redactCommand(apdu: Uint8Array): string {
  const ins = apdu[1] ?? 0;
  const secret = SECRET_INS.has(ins) || (ins === 0x87 && apdu[3] === 0x9b);
  if (!secret || apdu.length <= 5) return toHex(apdu, { lower: true });
  return `${toHex(apdu.subarray(0, 4), { lower: true })}<${apdu.length - 4} bytes redacted>`;
}

/** The response as it may be logged. */
export function redactResponse(ins: number, apdu: Uint8Array): string {
  return ins === 0x87
    ? `<${apdu.length - 2} bytes>${toHex(apdu.subarray(apdu.length - 2), { lower: true })}`
    : toHex(apdu, { lower: true });
}
