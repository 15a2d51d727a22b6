/**
 * PIV data objects: tags and read access rules (SP 800-73-4 Part 1 §3.1, Table 3; the tag is sent as
 * 5C 03 5F C1 xx, or 5C 01 7E for the Discovery Object), key references and the certificate object of
 * each key slot (Part 1 Table 4b, Part 2 §3.3.2), and Yubico's objects 5FFF00–5FFF1F (admin data,
 * attestation certificate, …) as yubikey-manager uses them.
 */

/** Container tags of the PIV data model (SP 800-73-4 Part 1 Table 3). */
export const OBJECT_TAG = {
  CARD_AUTH_CERT: 0x5fc101,
  CHUID: 0x5fc102,
  FINGERPRINTS: 0x5fc103,
  PIV_AUTH_CERT: 0x5fc105,
  SECURITY_OBJECT: 0x5fc106,
  CCC: 0x5fc107,
  FACIAL_IMAGE: 0x5fc108,
  PRINTED_INFO: 0x5fc109,
  SIGNATURE_CERT: 0x5fc10a,
  KEY_MANAGEMENT_CERT: 0x5fc10b,
  KEY_HISTORY: 0x5fc10c,
  RETIRED_CERT_1: 0x5fc10d,
  IRIS: 0x5fc121,
  SM_CERT_SIGNER: 0x5fc122,
  PAIRING_CODE: 0x5fc123,
  DISCOVERY: 0x7e,
  BIT_GROUP_TEMPLATE: 0x7f61,
  YUBICO_ADMIN_DATA: 0x5fff00,
  YUBICO_ATTESTATION_CERT: 0x5fff01,
} as const;

/** Objects only readable after PIN verification (Table 3, access rule "PIN"). */
const PIN_PROTECTED = new Set<number>([
  OBJECT_TAG.FINGERPRINTS,
  OBJECT_TAG.FACIAL_IMAGE,
  OBJECT_TAG.PRINTED_INFO,
  OBJECT_TAG.IRIS,
  OBJECT_TAG.PAIRING_CODE,
]);

/** Key references (SP 800-73-4 Part 1 Table 4b; F9 is Yubico's attestation key). */
export const KEY_REF = {
  PIN: 0x80,
  PUK: 0x81,
  MANAGEMENT: 0x9b,
  PIV_AUTH: 0x9a,
  SIGNATURE: 0x9c,
  KEY_MANAGEMENT: 0x9d,
  CARD_AUTH: 0x9e,
  ATTESTATION: 0xf9,
} as const;

/** True for an SP 800-73-4 object tag (or a Yubico one when `yubico`). */
export function isKnownObject(tag: number, yubico: boolean): boolean {
  if (tag >= 0x5fc101 && tag <= 0x5fc123 && tag !== 0x5fc104) return true;
  if (tag === OBJECT_TAG.DISCOVERY || tag === OBJECT_TAG.BIT_GROUP_TEMPLATE) return true;
  return yubico && tag >= 0x5fff00 && tag <= 0x5fff1f;
}

/** True when reading the object requires the PIN. */
export const readNeedsPin = (tag: number): boolean => PIN_PROTECTED.has(tag);

/** True for a reference that can hold an asymmetric key (9A, 9C, 9D, 9E, retired 82–95, and F9 on YubiKeys). */
export function isKeySlot(ref: number, yubico: boolean): boolean {
  return (
    [0x9a, 0x9c, 0x9d, 0x9e].includes(ref) || (ref >= 0x82 && ref <= 0x95) || (yubico && ref === KEY_REF.ATTESTATION)
  );
}

/** The certificate object for a key slot (Part 1 Table 4b; 82..95 → 5FC10D..5FC120; F9 → 5FFF01). */
export function certificateObjectFor(ref: number): number | undefined {
  const fixed: Record<number, number> = {
    0x9a: 0x5fc105,
    0x9c: 0x5fc10a,
    0x9d: 0x5fc10b,
    0x9e: 0x5fc101,
    0xf9: 0x5fff01,
  };
  if (fixed[ref] !== undefined) return fixed[ref];
  return ref >= 0x82 && ref <= 0x95 ? OBJECT_TAG.RETIRED_CERT_1 + (ref - 0x82) : undefined;
}

/** PIN policies (Yubico: 1 never, 2 once per session, 3 always) and each slot's default. */
export const PIN_POLICY = { DEFAULT: 0, NEVER: 1, ONCE: 2, ALWAYS: 3 } as const;

/** The slot's default PIN policy: 9C always, 9E and F9 never, the rest once (SP 800-73-4 Part 1 §3.2). */
export function defaultPinPolicy(ref: number): number {
  if (ref === KEY_REF.SIGNATURE) return PIN_POLICY.ALWAYS;
  if (ref === KEY_REF.CARD_AUTH || ref === KEY_REF.ATTESTATION) return PIN_POLICY.NEVER;
  return PIN_POLICY.ONCE;
}

/** Touch policies (Yubico): 1 never, 2 always, 3 cached. The virtual card is always "touched". */
export const TOUCH_POLICY = { DEFAULT: 0, NEVER: 1, ALWAYS: 2, CACHED: 3 } as const;
