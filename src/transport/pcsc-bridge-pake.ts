/**
 * CPace (CPACE-RISTR255-SHA512) for pairing the page with the bridge: the six-digit code the bridge
 * prints becomes a 256-bit pairing key, and neither a rogue bridge nor a rogue page learns anything it
 * could test code guesses against offline: each run lets an active attacker try one guess, no more.
 *
 * Implemented from the CFRG draft "CPace, a balanced composable PAKE" (draft-irtf-cfrg-cpace; section
 * names below are the draft's, checked against its ristretto255 test vectors in pcsc-bridge-pake.test.ts),
 * over ristretto255 (RFC 9496) from `@noble/curves` and SHA-512 from `@noble/hashes`.
 *
 * Pure and synchronous: the page (pcsc-bridge-pairing.ts) and the bridge (bridge/pairing-session.ts) both
 * use it, so they cannot drift apart.
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes } from '../bytes';

const Point = ristretto255.Point;
type RistrettoPoint = InstanceType<typeof Point>;
const text = (s: string) => new TextEncoder().encode(s);

/** G_Ristretto255.DSI ("CPace group objects G_Ristretto255 and G_Decaf448"). */
export const CPACE_DSI = text('CPaceRistretto255');
/** H.s_in_bytes of SHA-512: its input block size. */
const SHA512_BLOCK_BYTES = 128;

/** prepend_len: the LEB128 encoding of the length, then the data ("Notation"; appendix "prepend_len function"). */
export function prependLen(data: Uint8Array): Uint8Array {
  const length: number[] = [];
  let n = data.length;
  do {
    length.push(n < 128 ? n : (n & 0x7f) | 0x80);
    n >>>= 7;
  } while (n > 0);
  return concatBytes(length, data);
}

/** prefix_free_cat: each part with its length prepended ("Notation"). */
export function prefixFreeCat(...parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...parts.map(prependLen));
}

/**
 * generator_string(DSI, PRS, CI, sid, s_in_bytes) ("Common function for computing generators"): zero
 * padding fills the first hash block after DSI and PRS, so the hashed length does not depend on the PRS.
 */
export function generatorString(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Uint8Array {
  const zpad = Math.max(0, SHA512_BLOCK_BYTES - 1 - prependLen(prs).length - prependLen(CPACE_DSI).length);
  return prefixFreeCat(CPACE_DSI, prs, new Uint8Array(zpad), ci, sid);
}

/**
 * G.calculate_generator(H, PRS, CI, sid) for ristretto255: SHA-512 of the generator string (64 bytes =
 * 2 * field_size_bytes), then the one-way map of RFC 9496 §4.3.4.
 */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): RistrettoPoint {
  return ristretto255_hasher.deriveToCurve!(sha512(generatorString(prs, ci, sid)));
}

/**
 * G.sample_scalar() as the draft recommends for group abstractions: 32 random bytes with the bits above
 * group_size_bits (252) cleared, read little-endian. Zero is drawn again (it would reveal the generator).
 */
export function sampleScalar(
  random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): bigint {
  for (;;) {
    const bytes = random(32);
    bytes[31]! &= 0x0f;
    let y = 0n;
    for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(bytes[i]!);
    if (y !== 0n) return y;
  }
}

/** G.scalar_mult(y, g): the public encoding of g^y. */
export function scalarMult(y: bigint, g: RistrettoPoint): Uint8Array {
  return g.multiply(y).toBytes();
}

/**
 * G.scalar_mult_vfy(y, X): decode X and raise it to y; null stands for G.I, returned for an encoding that
 * does not decode and for the neutral element, on which the protocol MUST abort ("Implementation verification").
 */
export function scalarMultVfy(y: bigint, encoded: Uint8Array): Uint8Array | null {
  let X: RistrettoPoint;
  try {
    X = Point.fromBytes(encoded);
  } catch {
    return null;
  }
  const K = X.multiply(y);
  return K.is0() ? null : K.toBytes();
}

/** MSGa/MSGb = prefix_free_cat(Y, AD) ("CPace protocol instructions"). */
export const cpaceMessage = (share: Uint8Array, ad: Uint8Array): Uint8Array => prefixFreeCat(share, ad);

/**
 * ISK = H.hash(prefix_free_cat(G.DSI || "_ISK", sid, K) || MSGa || MSGb) for the initiator-responder
 * setting ("CPace protocol instructions", concat(MSGa, MSGb) from "Notation": MSGa is sent first).
 */
export function intermediateSessionKey(sid: Uint8Array, K: Uint8Array, msgA: Uint8Array, msgB: Uint8Array): Uint8Array {
  return sha512(concatBytes(prefixFreeCat(concatBytes(CPACE_DSI, text('_ISK')), sid, K), msgA, msgB));
}

/**
 * Explicit key confirmation ("Security Considerations", "Key confirmation"): mac_key = H.hash("CPaceMac"
 * || ISK), and each side's tag is MAC(mac_key, the message it sent). HMAC-SHA-512.
 */
export function confirmationTag(isk: Uint8Array, sentMessage: Uint8Array): Uint8Array {
  return hmac(sha512, sha512(concatBytes(text('CPaceMac'), isk)), sentMessage);
}

/** Constant-time check of a received confirmation tag. */
export function tagMatches(expected: Uint8Array, received: Uint8Array): boolean {
  return bytesEqual(expected, received);
}

/**
 * The 256-bit pairing key from ISK, through HKDF-SHA-256 (RFC 5869) as the draft recommends before ISK is
 * used by a higher-level protocol ("The CPace protocol"); `sid` is the salt.
 */
export function pairingKeyFromIsk(isk: Uint8Array, sid: Uint8Array): Uint8Array {
  return hkdf(sha256, isk, sid, text('keyward-bridge pairing key v2'), 32);
}
