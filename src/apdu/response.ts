/**
 * Response APDU (ISO/IEC 7816-4:2020 §5.1, §5.6): [data] SW1 SW2.
 */
import { AppError } from '../app-error';

/** A response split into its data field and status word (SW1 << 8 | SW2). */
export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** Splits a response APDU; `RESPONSE_INVALID` when it is shorter than SW1 SW2. */
export function splitResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) {
    throw new AppError('apdu', 'RESPONSE_INVALID', `response of ${bytes.length} byte(s) has no SW1 SW2`, {
      length: bytes.length,
    });
  }
  const n = bytes.length;
  return { data: bytes.slice(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! };
}

/** Status-word helpers (§5.6). */
export const sw = {
  sw1: (s: number): number => (s >> 8) & 0xff,
  sw2: (s: number): number => s & 0xff,
  of: (sw1: number, sw2: number): number => ((sw1 & 0xff) << 8) | (sw2 & 0xff),
  /** 9000: normal processing. */
  isSuccess: (s: number): boolean => s === 0x9000,
  /** 61xx: xx more bytes (00 = 256 or more) wait for GET RESPONSE (§5.6, Table 5). */
  isBytesRemaining: (s: number): boolean => s >> 8 === 0x61,
  /** 6Cxx: wrong Le; xx is the exact Ne (00 = 256) (§5.6, Table 6). */
  isWrongLe: (s: number): boolean => s >> 8 === 0x6c,
  /** 62xx / 63xx: warnings; processing completed. */
  isWarning: (s: number): boolean => s >> 8 === 0x62 || s >> 8 === 0x63,
  /** Four upper-case hex digits, e.g. "6A82". */
  toHex: (s: number): string => s.toString(16).toUpperCase().padStart(4, '0'),
};
