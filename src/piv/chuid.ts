/**
 * Card Holder Unique Identifier (SP 800-73-4 Part 1 §3.1.2, Table 9), the contents of object 5FC102:
 *
 *   30 19    FASC-N (25 bytes, fascn.ts)                          mandatory
 *   32 04    Organizational Identifier                            optional (not written)
 *   33 09    DUNS                                                 optional (not written)
 *   34 10    GUID (16 bytes, RFC 4122 byte order)                 mandatory
 *   35 08    Expiration date, ASCII YYYYMMDD                      mandatory
 *   36 10    Cardholder UUID                                      optional
 *   3E L     Issuer asymmetric signature (CMS)                    mandatory; may be empty (unsigned)
 *   FE 00    Error detection code                                 mandatory, empty
 *
 * Keyward sets the GUID to the Entra user's object id, so any console can tell whose card it is.
 */
import { fromHex } from '../bytes';
import { toHex } from '../bytes';
import { decodeTlv, encodeTlvs } from '../apdu/tlv';
import { decodeFascn, encodeFascn, type Fascn } from './fascn';
import { pivError } from './errors';

/** A CHUID, as Keyward writes and reads it. */
export interface Chuid {
  readonly fascn: Fascn;
  /** The GUID as a lower-case UUID string (8-4-4-4-12). */
  readonly guid: string;
  /** Expiration date, YYYYMMDD. */
  readonly expiration: string;
  /** Cardholder UUID, if present. */
  readonly cardholderUuid?: string;
  /** The issuer signature's bytes (empty when unsigned). */
  readonly signature: Uint8Array;
}

/** Parses a UUID string to its 16 bytes (RFC 4122 §4.1.2 field order). `INVALID_ARGUMENT` if malformed. */
export function uuidToBytes(uuid: string): Uint8Array {
  const clean = uuid.trim().toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(clean)) {
    throw pivError('INVALID_ARGUMENT', 'the GUID must be a UUID such as an Entra object id');
  }
  return fromHex(clean.replace(/-/g, ''));
}

/** Formats 16 bytes as a lower-case UUID string. */
export function bytesToUuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw pivError('RESPONSE_INVALID', `a GUID is 16 bytes, not ${bytes.length}`);
  const h = toHex(bytes).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const ascii = (s: string) => new TextEncoder().encode(s);

/** Encodes a CHUID's contents (inside the 53 wrapper). */
export function encodeChuid(c: Chuid): Uint8Array {
  if (!/^\d{8}$/.test(c.expiration)) throw pivError('INVALID_ARGUMENT', 'the CHUID expiration must be YYYYMMDD');
  return encodeTlvs([
    { tag: 0x30, value: encodeFascn(c.fascn) },
    { tag: 0x34, value: uuidToBytes(c.guid) },
    { tag: 0x35, value: ascii(c.expiration) },
    ...(c.cardholderUuid ? [{ tag: 0x36, value: uuidToBytes(c.cardholderUuid) }] : []),
    { tag: 0x3e, value: c.signature },
    { tag: 0xfe, value: new Uint8Array(0) },
  ]);
}

/** Decodes a CHUID's contents. `RESPONSE_INVALID` when a mandatory element is missing or malformed. */
export function decodeChuid(contents: Uint8Array): Chuid {
  const tlvs = decodeTlv(contents, { allowPadding: true });
  const get = (tag: number) => tlvs.find((t) => t.tag === tag)?.value;
  const fascn = get(0x30);
  const guid = get(0x34);
  const expiration = get(0x35);
  if (!fascn || !guid || !expiration)
    throw pivError('RESPONSE_INVALID', 'the CHUID lacks its FASC-N, GUID or expiration date');
  const holder = get(0x36);
  return {
    fascn: decodeFascn(fascn),
    guid: bytesToUuid(guid),
    expiration: new TextDecoder().decode(expiration),
    ...(holder ? { cardholderUuid: bytesToUuid(holder) } : {}),
    signature: get(0x3e) ?? new Uint8Array(0),
  };
}
