/**
 * Card public keys → SPKI (RFC 5280 §4.1.2.7, RFC 3279, RFC 5480, RFC 8410), checked against WebCrypto's
 * own export of the same key.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import { derUnsignedInteger, parseCardPublicKey, parseGenerateResponse, toCryptoKey, toSpki } from './public-key';

const b64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

describe('SPKI from card keys', () => {
  it('EC P-256 and P-384: equal to what WebCrypto exports', async () => {
    for (const [alg, curve] of [
      ['ECCP256', 'P-256'],
      ['ECCP384', 'P-384'],
    ] as const) {
      const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign']);
      const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
      const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
      expect(toSpki({ algorithm: alg, point: raw })).toEqual(spki);
    }
  });

  it('RSA: modulus with its top bit set gets a leading 00 in the INTEGER', async () => {
    const pair = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      true,
      ['sign'],
    );
    const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
    expect(toSpki({ algorithm: 'RSA2048', modulus: b64url(jwk.n!), exponent: b64url(jwk.e!) })).toEqual(spki);
    expect(toHex(derUnsignedInteger(Uint8Array.of(0x00, 0x00, 0x80)))).toBe('02020080');
    expect(toHex(derUnsignedInteger(Uint8Array.of(0x00)))).toBe('020100');
  });

  it('Ed25519 and X25519: RFC 8410 SPKI; X25519 imports with no usages', async () => {
    const point = fromHex('3D4017C3E843895A92B70AA74D1B7EBC9C982CCF2EC4968CC0CD55F12AF4660C');
    expect(toHex(toSpki({ algorithm: 'ED25519', point }))).toBe('302A300506032B6570032100' + toHex(point));
    expect(toHex(toSpki({ algorithm: 'X25519', point }))).toBe('302A300506032B656E032100' + toHex(point));
    const x = await toCryptoKey({ algorithm: 'X25519', point });
    if (x) expect(x.usages).toEqual([]);
  });

  it('rejects malformed card encodings', () => {
    expect(() => parseCardPublicKey('ECCP256', fromHex('8603040506'))).toThrow(/65 bytes/);
    expect(() => parseCardPublicKey('RSA2048', fromHex('810101'))).toThrow(/modulus \(81\) or exponent \(82\)/);
    expect(() => parseGenerateResponse('ECCP256', fromHex('53020000'))).toThrow(/7F49/);
    expect(() => parseCardPublicKey('ECCP256', fromHex('8641' + '05' + '00'.repeat(64)))).toThrow(/uncompressed/);
  });
});
