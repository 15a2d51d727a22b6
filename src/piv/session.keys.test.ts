/**
 * Transcripts for GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2 §3.3.2, 7F49 with 81/82 or 86) and
 * signing with GENERAL AUTHENTICATE (§3.2.4: 7C { 82 00, 81 challenge } → 7C { 82 signature }).
 * Points and signatures are published vectors (the P-256 base point, RFC 8032 §7.1 TEST 2) or, for RSA,
 * a key made here so that the card's answer can be checked with WebCrypto.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes';
import { replayPiv, replayPivError, spacedHex } from '../../test/support/transcript-piv';
import { digestInfo, ecdsaDerToRaw } from './keys';

// P-256 base point G (SEC 2 §2.4.2): a valid public key (private key 1).
const P256_G =
  '04 6B 17 D1 F2 E1 2C 42 47 F8 BC E6 E5 63 A4 40 F2 77 03 7D 81 2D EB 33 A0 F4 A1 39 45 D8 98 C2 96' +
  ' 4F E3 42 E2 FE 1A 7F 9B 8E E7 EB 4A 7C 0F 9E 16 2B CE 33 57 6B 31 5E CE CB B6 40 68 37 BF 51 F5';
// RFC 8032 §7.1 TEST 2: public key, message 72, signature.
const ED_PUBLIC = '3D 40 17 C3 E8 43 89 5A 92 B7 0A A7 4D 1B 7E BC 9C 98 2C CF 2E C4 96 8C C0 CD 55 F1 2A F4 66 0C';
const ED_SIGNATURE =
  '92 A0 09 A9 F0 D4 CA B8 72 0E 82 0B 5F 64 25 40 A2 B2 7B 54 16 50 3F 8F B3 76 22 23 EB DB 69 DA' +
  ' 08 5A C1 E4 3E 15 99 6E 45 8F 36 13 D0 F1 1D 8C 38 7B 2E AE B4 30 2A EE B0 0D 29 16 12 BB 0C 00';

const b64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

describe('GENERATE ASYMMETRIC KEY PAIR', () => {
  it('ECC P-256 in 9A with PIN policy once and touch always → SPKI and an ECDSA CryptoKey', async () => {
    const key = await replayPiv(
      `
      => 00 47 00 9A            # GENERATE, P2 = slot 9A
         0B AC 09               # Lc 11; AC = control reference template
         80 01 11               # algorithm 11 = ECC P-256
         AA 01 02               # PIN policy once (Yubico)
         AB 01 02               # touch policy always (Yubico)
         00                     # Le
      <= 7F 49 43 86 41 ${P256_G} 90 00   # 7F49 { 86 65-byte uncompressed point }`,
      (s) => s.generateKey(0x9a, 'ECCP256', { pinPolicy: 'ONCE', touchPolicy: 'ALWAYS' }),
    );
    expect(key.cryptoKey?.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    // The SPKI we built is what WebCrypto exports again, byte for byte.
    expect(new Uint8Array(await crypto.subtle.exportKey('spki', key.cryptoKey!))).toEqual(key.spki);
  });

  it('RSA 2048 in 9C: the 7F49 answer arrives in two parts (61 0D, GET RESPONSE)', async () => {
    const pair = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const n = b64url((await crypto.subtle.exportKey('jwk', pair.publicKey)).n!);
    // 7F 49 82 01 09 { 81 82 01 00 n, 82 03 01 00 01 } = 269 bytes
    const answer = fromHex(`7F49820109 81820100 ${spacedHex(n)} 8203010001`);
    const key = await replayPiv(
      `
      => 00 47 00 9C 05 AC 03 80 01 07 00      # algorithm 07 = RSA 2048
      <= ${spacedHex(answer.slice(0, 256))} 61 0D   # first 256 bytes, 13 more waiting
      => 00 C0 00 00 0D                        # GET RESPONSE, Le 13
      <= ${spacedHex(answer.slice(256))} 90 00`,
      (s) => s.generateKey(0x9c, 'RSA2048'),
    );
    expect(new Uint8Array(await crypto.subtle.exportKey('spki', key.cryptoKey!))).toEqual(
      new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)),
    );
  });

  it('Ed25519 (E0) → an Ed25519 CryptoKey; an algorithm the card refuses (6A80) is ALGORITHM_NOT_SUPPORTED', async () => {
    const key = await replayPiv(`=> 00 47 00 9A 05 AC 03 80 01 E0 00\n<= 7F 49 22 86 20 ${ED_PUBLIC} 90 00`, (s) =>
      s.generateKey(0x9a, 'ED25519'),
    );
    expect(key.cryptoKey?.algorithm.name).toBe('Ed25519');
    const e = await replayPivError(`=> 00 47 00 9A 05 AC 03 80 01 E1 00\n<= 6A 80`, (s) =>
      s.generateKey(0x9a, 'X25519'),
    );
    expect(e).toMatchObject({ code: 'ALGORITHM_NOT_SUPPORTED', fields: { sw: 0x6a80, operation: 'generate' } });
  });

  it('without management-key authentication the card answers 6982 → SECURITY_STATUS', async () => {
    const e = await replayPivError(`=> 00 47 00 9A 05 AC 03 80 01 11 00\n<= 69 82`, (s) =>
      s.generateKey(0x9a, 'ECCP256'),
    );
    expect(e).toMatchObject({ code: 'SECURITY_STATUS' });
  });

  it('refuses a slot that holds no key', async () => {
    expect(await replayPivError('', (s) => s.generateKey(0x9b, 'ECCP256'))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('signing with GENERAL AUTHENTICATE', () => {
  it('RSA 2048: pads the DigestInfo (PKCS#1 v1.5) to 256 bytes, chains the command, returns the signature', async () => {
    const pair = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const message = new TextEncoder().encode('keyward nonce');
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', message));
    const signature = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', pair.privateKey, message));
    // 7C 82 01 06 { 82 00, 81 82 01 00 EM }, EM = 00 01 FF×202 00 DigestInfo(SHA-256) (RFC 8017 §9.2)
    const em = `00 01 ${'FF '.repeat(202)} 00 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 ${spacedHex(hash)}`;
    const data = fromHex(`7C 82 01 06 82 00 81 82 01 00 ${em}`);
    const answer = fromHex(`7C 82 01 04 82 82 01 00 ${spacedHex(signature)}`);
    const result = await replayPiv(
      `
      => 10 87 07 9A FF ${spacedHex(data.slice(0, 255))}   # CLA 10: chained, P1 07 RSA 2048, P2 9A, 255 bytes
      <= 90 00
      => 00 87 07 9A 0B ${spacedHex(data.slice(255))} 00   # last 11 bytes, Le 00
      <= ${spacedHex(answer.slice(0, 256))} 61 08
      => 00 C0 00 00 08
      <= ${spacedHex(answer.slice(256))} 90 00`,
      (s) => s.sign(0x9a, 'RSA2048', digestInfo('SHA-256', hash)),
    );
    expect(result).toEqual(signature);
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', pair.publicKey, Uint8Array.from(result), message)).toBe(
      true,
    );
  });

  it('ECDSA P-256 with a SHA-384 hash: truncated to 32 bytes; DER returned, r ‖ s on request', async () => {
    const hash = Uint8Array.from({ length: 48 }, (_, i) => i + 1);
    const r = '00 ' + 'A1 '.repeat(32);
    const s = '00 ' + 'B2 '.repeat(32);
    const der = `30 46 02 21 ${r} 02 21 ${s}`;
    const script = `
      => 00 87 11 9C 26          # P1 11 = ECC P-256, P2 9C
         7C 24 82 00             # 7C { 82 00 = "respond"
         81 20 ${spacedHex(hash.slice(0, 32))}   # 81 32: the hash's leftmost 32 bytes }
         00
      <= 7C 4A 82 48 ${der} 90 00`;
    const signature = await replayPiv(script, (session) => session.sign(0x9c, 'ECCP256', hash));
    expect(signature).toEqual(fromHex(der));
    const raw = await replayPiv(script, (session) => session.signEcdsaRaw(0x9c, 'ECCP256', hash));
    expect(raw).toEqual(fromHex('A1'.repeat(32) + 'B2'.repeat(32)));
  });

  it('ECDSA P-384 with a SHA-256 hash: left-padded with zeros to 48 bytes', async () => {
    const hash = new Uint8Array(32).fill(0x77);
    await replayPiv(
      `=> 00 87 14 9A 36 7C 34 82 00 81 30 ${'00 '.repeat(16)} ${spacedHex(hash)} 00\n<= 7C 0A 82 08 30 06 02 01 01 02 01 01 90 00`,
      (session) => session.sign(0x9a, 'ECCP384', hash),
    );
    expect(ecdsaDerToRaw(fromHex('3006020101020102'), 48)).toEqual(
      fromHex('00'.repeat(47) + '01' + '00'.repeat(47) + '02'),
    );
  });

  it('Ed25519 (E0): signs the message itself; the RFC 8032 signature verifies with the generated key', async () => {
    const verified = await replayPiv(
      `
      => 00 47 00 9A 05 AC 03 80 01 E0 00
      <= 7F 49 22 86 20 ${ED_PUBLIC} 90 00
      => 00 87 E0 9A 07 7C 05 82 00 81 01 72 00   # message 72
      <= 7C 42 82 40 ${ED_SIGNATURE} 90 00`,
      async (s) => {
        const key = await s.generateKey(0x9a, 'ED25519');
        const sig = await s.sign(0x9a, 'ED25519', Uint8Array.of(0x72));
        return crypto.subtle.verify('Ed25519', key.cryptoKey!, Uint8Array.from(sig), Uint8Array.of(0x72));
      },
    );
    expect(verified).toBe(true);
  });

  it('PIN not verified (6982) → SECURITY_STATUS; X25519 keys do not sign', async () => {
    const e = await replayPivError(`=> 00 87 E0 9A 07 7C 05 82 00 81 01 72 00\n<= 69 82`, (s) =>
      s.sign(0x9a, 'ED25519', Uint8Array.of(0x72)),
    );
    expect(e).toMatchObject({ code: 'SECURITY_STATUS', fields: { operation: 'sign' } });
    expect(await replayPivError('', (s) => s.sign(0x9a, 'X25519', Uint8Array.of(1)))).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
