/**
 * FASC-N (Federal Agency Smart Credential Number), the 25-byte identifier in the CHUID (SP 800-73-4
 * Part 1 Table 9, tag 30; layout from "Technical Implementation Guidance: Smart Card Enabled Physical
 * Access Control Systems" v2.3 §6, which SP 800-73 cites).
 *
 * 40 characters × 5 bits = 200 bits, written most significant bit first. Each character is its four data
 * bits least significant first (b1 b2 b3 b4) followed by an odd-parity bit:
 *
 *   SS  AC×4  FS  SC×4  FS  CN×6  FS  CS  FS  ICI  FS  PI×10  OC  OI×4  POA  ES  LRC
 *
 *   SS 1011 (start), FS 1101 (field separator), ES 1111 (end), digits 0–9; LRC = XOR of the data bits of
 *   all 39 characters before it. Non-federal issuers use agency code 9999 (SP 800-73-4 Part 1 §3.1.2).
 */
import { pivError } from './errors';

/** The FASC-N fields, as decimal digit strings of fixed length. */
export interface Fascn {
  readonly agencyCode: string; // 4
  readonly systemCode: string; // 4
  readonly credentialNumber: string; // 6
  readonly credentialSeries: string; // 1
  readonly individualCredentialIssue: string; // 1
  readonly personIdentifier: string; // 10
  readonly organizationalCategory: string; // 1
  readonly organizationalIdentifier: string; // 4
  readonly personOrganizationAssociation: string; // 1
}

const SS = 0xb;
const FS = 0xd;
const ES = 0xf;
const WIDTHS: readonly [keyof Fascn, number][] = [
  ['agencyCode', 4],
  ['systemCode', 4],
  ['credentialNumber', 6],
  ['credentialSeries', 1],
  ['individualCredentialIssue', 1],
  ['personIdentifier', 10],
  ['organizationalCategory', 1],
  ['organizationalIdentifier', 4],
  ['personOrganizationAssociation', 1],
];
/** The first five fields are followed by FS; PI, OC, OI, POA run together, then ES. */
const FS_AFTER = 5;

/** Five bits b1 b2 b3 b4 P for a 4-bit value (b1 = least significant), odd parity. */
function fiveBits(v: number): number[] {
  const bits = [v & 1, (v >> 1) & 1, (v >> 2) & 1, (v >> 3) & 1];
  return [...bits, (bits.reduce((a, b) => a + b, 0) + 1) % 2];
}

/** Encodes a FASC-N to its 25 bytes. `INVALID_ARGUMENT` when a field is not digits of its width. */
export function encodeFascn(f: Fascn): Uint8Array {
  const chars = [SS];
  WIDTHS.forEach(([name, width], i) => {
    const s = f[name];
    if (!new RegExp(`^[0-9]{${width}}$`).test(s))
      throw pivError('INVALID_ARGUMENT', `FASC-N ${name} must be ${width} digits`, { field: name });
    chars.push(...Array.from(s, Number));
    if (i < FS_AFTER) chars.push(FS);
  });
  chars.push(ES);
  chars.push(chars.reduce((x, c) => x ^ c, 0));
  const bits = chars.flatMap(fiveBits);
  return Uint8Array.from({ length: 25 }, (_, i) => bits.slice(i * 8, i * 8 + 8).reduce((b, bit) => (b << 1) | bit, 0));
}

/** Decodes 25 FASC-N bytes, checking every parity bit, the separators and the LRC. */
export function decodeFascn(bytes: Uint8Array): Fascn {
  if (bytes.length !== 25) throw pivError('RESPONSE_INVALID', `a FASC-N is 25 bytes, not ${bytes.length}`);
  const bits = Array.from(bytes).flatMap((b) => Array.from({ length: 8 }, (_, i) => (b >> (7 - i)) & 1));
  const chars = Array.from({ length: 40 }, (_, i) => {
    const [b1, b2, b3, b4, p] = bits.slice(i * 5, i * 5 + 5) as [number, number, number, number, number];
    if ((b1 + b2 + b3 + b4 + p) % 2 !== 1)
      throw pivError('RESPONSE_INVALID', `FASC-N character ${i} fails its parity check`);
    return b1 | (b2 << 1) | (b3 << 2) | (b4 << 3);
  });
  if (chars.slice(0, 39).reduce((x, c) => x ^ c, 0) !== chars[39])
    throw pivError('RESPONSE_INVALID', 'FASC-N LRC mismatch');
  if (chars[0] !== SS || chars[38] !== ES) throw pivError('RESPONSE_INVALID', 'FASC-N lacks its start or end sentinel');
  let at = 1;
  const out: Record<string, string> = {};
  WIDTHS.forEach(([name, width], i) => {
    const digits = chars.slice(at, at + width);
    if (digits.some((d) => d > 9)) throw pivError('RESPONSE_INVALID', `FASC-N ${name} holds a non-digit`);
    out[name] = digits.join('');
    at += width;
    if (i < FS_AFTER) {
      if (chars[at] !== FS) throw pivError('RESPONSE_INVALID', `FASC-N field separator missing after ${name}`);
      at++;
    }
  });
  return out as unknown as Fascn;
}

/**
 * A FASC-N for a non-federal issuer (agency and system code 9999, SP 800-73-4 Part 1 §3.1.2), with the
 * credential number (6 digits) and person identifier (10 digits) the caller chooses, so that cards stay
 * distinguishable: Keyward fills both at random and registers generic cards by their FASC-N.
 */
export function nonFederalFascn(credentialNumber: number, personIdentifier = 0): Fascn {
  const cn = String(Math.abs(Math.trunc(credentialNumber)) % 1_000_000).padStart(6, '0');
  const pi = String(Math.abs(Math.trunc(personIdentifier)) % 10_000_000_000).padStart(10, '0');
  return {
    agencyCode: '9999',
    systemCode: '9999',
    credentialNumber: cn,
    credentialSeries: '0',
    individualCredentialIssue: '1',
    personIdentifier: pi,
    organizationalCategory: '1',
    organizationalIdentifier: '9999',
    personOrganizationAssociation: '1',
  };
}
