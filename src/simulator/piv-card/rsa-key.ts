/**
 * RSA private keys for the virtual card: real keys from WebCrypto (generate + JWK export) and the raw
 * private-key operation m^d mod n by the Chinese Remainder Theorem (PKCS #1 v2.2 §5.1.2, RSADP/RSASP1).
 * The card applies it to the already padded block the host sends (SP 800-73-4 Part 2 §3.2.4; the host
 * pads, as on every PIV card).
 */
import { base64UrlToBytes, bigIntToBytes, bytesToBigInt } from './bytes';

/** An RSA private key in CRT form; `size` is the modulus length in bytes. */
export interface RsaKey {
  readonly kind: 'rsa';
  readonly size: number;
  readonly n: bigint;
  readonly e: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qi: bigint;
}

/** b^e mod m by square-and-multiply. */
export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

/** Modular inverse by the extended Euclidean algorithm. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** Generates a real RSA key with e = 65537 (the only exponent YubiKeys use). */
export async function generateRsaKey(bits: number): Promise<RsaKey> {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const big = (field: string | undefined): bigint => bytesToBigInt(base64UrlToBytes(field ?? ''));
  return {
    kind: 'rsa',
    size: bits / 8,
    n: big(jwk.n),
    e: big(jwk.e),
    p: big(jwk.p),
    q: big(jwk.q),
    dp: big(jwk.dp),
    dq: big(jwk.dq),
    qi: big(jwk.qi),
  };
}

/**
 * Builds a key from imported CRT parts (Yubico IMPORT KEY tags 01..05: p, q, dP, dQ, qInv). Returns
 * null unless the parts are consistent with e = 65537 and the expected modulus size.
 */
export function rsaKeyFromParts(bits: number, parts: readonly Uint8Array[]): RsaKey | null {
  const [p, q, dp, dq, qi] = parts.map(bytesToBigInt) as [bigint, bigint, bigint, bigint, bigint];
  const e = 65537n;
  const n = p * q;
  if (n.toString(2).length !== bits) return null;
  if ((dp * e) % (p - 1n) !== 1n || (dq * e) % (q - 1n) !== 1n || (qi * q) % p !== 1n) return null;
  return { kind: 'rsa', size: bits / 8, n, e, p, q, dp, dq, qi };
}

/** The raw private operation on a block as long as the modulus; null when the block is not < n. */
export function rsaPrivate(key: RsaKey, block: Uint8Array): Uint8Array | null {
  const m = bytesToBigInt(block);
  if (block.length !== key.size || m >= key.n) return null;
  const m1 = modPow(m, key.dp, key.p);
  const m2 = modPow(m, key.dq, key.q);
  const h = (key.qi * (((m1 - m2) % key.p) + key.p)) % key.p;
  return bigIntToBytes(m2 + h * key.q, key.size);
}

/** The public key as SP 800-73-4 Part 2 Table 10 data objects: 81 modulus, 82 public exponent. */
export function rsaPublicParts(key: RsaKey): { modulus: Uint8Array; exponent: Uint8Array } {
  return { modulus: bigIntToBytes(key.n, key.size), exponent: bigIntToBytes(key.e) };
}
