/**
 * PIV protocol constants (NIST SP 800-73-4 Part 1 and Part 2, SP 800-78-4) and the YubiKey PIV
 * extensions (Yubico "PIV extensions" / yubico-piv-tool documentation). Names follow the specs.
 */

/** The PIV application identifier, truncated to the RID + PIX prefix (SP 800-73-4 Part 1 §2.2). */
export const PIV_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08);

/** Instruction bytes (SP 800-73-4 Part 2 §3 and Table 15; Yubico extensions F7..FF). */
export const PIV_INS = {
  SELECT: 0xa4,
  GET_DATA: 0xcb,
  PUT_DATA: 0xdb,
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  GENERAL_AUTHENTICATE: 0x87,
  GENERATE_ASYMMETRIC_KEY_PAIR: 0x47,
  /** Yubico extensions. */
  YK_GET_METADATA: 0xf7,
  YK_GET_SERIAL: 0xf8,
  YK_ATTEST: 0xf9,
  YK_SET_PIN_RETRIES: 0xfa,
  YK_RESET: 0xfb,
  YK_GET_VERSION: 0xfd,
  YK_SET_MANAGEMENT_KEY: 0xff,
} as const;

/** Key references (SP 800-73-4 Part 1 §5.3, Table 4; SP 800-78-4 Table 6-1). */
export const KEY_REF = {
  PIN: 0x80,
  PUK: 0x81,
  MANAGEMENT: 0x9b,
  AUTHENTICATION: 0x9a,
  SIGNATURE: 0x9c,
  KEY_MANAGEMENT: 0x9d,
  CARD_AUTH: 0x9e,
  /** Yubico attestation key. */
  YK_ATTESTATION: 0xf9,
} as const;

/** Cryptographic mechanism identifiers (SP 800-78-4 Table 6-2; Yubico for E0/E1). */
export const ALGORITHM = {
  TDES: 0x03,
  AES128: 0x08,
  AES192: 0x0a,
  AES256: 0x0c,
  RSA1024: 0x06,
  RSA2048: 0x07,
  RSA3072: 0x05,
  RSA4096: 0x16,
  ECCP256: 0x11,
  ECCP384: 0x14,
  ED25519: 0xe0,
  X25519: 0xe1,
} as const;

/** A management-key algorithm. */
export type ManagementKeyAlgorithm = 'TDES' | 'AES128' | 'AES192' | 'AES256';
/** An asymmetric key algorithm a PIV slot can hold. */
export type KeyAlgorithm = 'RSA1024' | 'RSA2048' | 'RSA3072' | 'RSA4096' | 'ECCP256' | 'ECCP384' | 'ED25519' | 'X25519';

/** Management-key algorithm → key length in bytes and cipher block size. */
export const MANAGEMENT_KEY_SIZES: Readonly<Record<ManagementKeyAlgorithm, { keyLength: number; blockSize: 8 | 16 }>> =
  {
    TDES: { keyLength: 24, blockSize: 8 },
    AES128: { keyLength: 16, blockSize: 16 },
    AES192: { keyLength: 24, blockSize: 16 },
    AES256: { keyLength: 32, blockSize: 16 },
  };

/** Reverse lookup of `ALGORITHM`; `undefined` for an identifier we do not know. */
export function algorithmName(id: number): keyof typeof ALGORITHM | undefined {
  return (Object.keys(ALGORITHM) as (keyof typeof ALGORITHM)[]).find((k) => ALGORITHM[k] === id);
}

/** PIN policy (Yubico GENERATE tag AA, metadata tag 02 byte 1). */
export const PIN_POLICY = {
  DEFAULT: 0x00,
  NEVER: 0x01,
  ONCE: 0x02,
  ALWAYS: 0x03,
  MATCH_ONCE: 0x04,
  MATCH_ALWAYS: 0x05,
} as const;
/** A PIN policy name: when the card asks for the PIN before using a key. */
export type PinPolicy = keyof typeof PIN_POLICY;

/** Touch policy (Yubico GENERATE tag AB, metadata tag 02 byte 2, SET MANAGEMENT KEY P2). */
export const TOUCH_POLICY = { DEFAULT: 0x00, NEVER: 0x01, ALWAYS: 0x02, CACHED: 0x03 } as const;
/** A touch policy name: when the YubiKey asks for a touch before using a key. */
export type TouchPolicy = keyof typeof TOUCH_POLICY;

/** Data object tags (SP 800-73-4 Part 1 §3.1, Table 3). */
export const OBJECT_TAG = {
  CCC: 0x5fc107,
  CHUID: 0x5fc102,
  DISCOVERY: 0x7e,
  CERT_9A: 0x5fc105,
  CERT_9C: 0x5fc10a,
  CERT_9D: 0x5fc10b,
  CERT_9E: 0x5fc101,
  PRINTED_INFORMATION: 0x5fc109,
  KEY_HISTORY: 0x5fc10c,
} as const;

/** A key slot that holds an asymmetric key and a certificate: 9A, 9C, 9D, 9E or retired 82..95. */
export type Slot = number;

/** True when `slot` is a PIV asymmetric key slot (Part 1 Table 4b, retired 82..95). */
export function isKeySlot(slot: number): boolean {
  return [0x9a, 0x9c, 0x9d, 0x9e].includes(slot) || (slot >= 0x82 && slot <= 0x95);
}
