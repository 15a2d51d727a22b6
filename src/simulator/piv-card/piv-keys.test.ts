/**
 * The card's cryptography through its APDU seam: management-key authentication (DESIGN.md KATs, mutual
 * and single, 3DES and AES), real key generation, signatures checked with Node's own crypto (not the
 * card's libraries), ECDH, PIN policies, import, attestation and move.
 */
import {
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  verify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../bytes';
import { tlv } from './ber';
import { base64UrlToBytes, bytesToBase64Url as b64u, webRandom, type RandomSource } from './bytes';
import { authenticateManagement, padPin, selectPiv, send, shortApdu, transmit } from './fake-host';
import { encryptBlock } from './mgmt-cipher';
import { createVirtualPivCard } from './virtual-piv-card';

const DEFAULT_MGMT = fromHex('010203040506070801020304050607080102030405060708');

async function adminCard(profile: 'yubikey-5.4' | 'yubikey-5.7' = 'yubikey-5.7', random?: RandomSource) {
  const card = createVirtualPivCard({ profile, ...(random ? { random } : {}) });
  await selectPiv(card);
  expect(await authenticateManagement(card, profile === 'yubikey-5.7' ? 0x0a : 0x03, DEFAULT_MGMT)).toBe(0x9000);
  return card;
}

async function generate(
  card: Awaited<ReturnType<typeof adminCard>>,
  slot: number,
  algorithm: number,
  extra: Uint8Array = new Uint8Array(0),
) {
  return transmit(card, 0x47, 0x00, slot, tlv(0xac, concatBytes(tlv(0x80, [algorithm]), extra)));
}

/** A Node public key from a 7F49 template. */
function publicKey(template: Uint8Array, kind: 'P-256' | 'P-384' | 'RSA' | 'Ed25519' | 'X25519'): KeyObject {
  const hex = toHex(template);
  if (kind === 'RSA') {
    const n = template.subarray(hex.startsWith('7f49820') ? 9 : 8, -5);
    return createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(template.subarray(-3)) }, format: 'jwk' });
  }
  const point = template.subarray(template.length - (kind === 'P-256' ? 65 : kind === 'P-384' ? 97 : 32));
  if (kind === 'Ed25519' || kind === 'X25519')
    return createPublicKey({ key: { kty: 'OKP', crv: kind, x: b64u(point) }, format: 'jwk' });
  const size = (point.length - 1) / 2;
  return createPublicKey({
    key: { kty: 'EC', crv: kind, x: b64u(point.subarray(1, 1 + size)), y: b64u(point.subarray(1 + size)) },
    format: 'jwk',
  });
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const signRequest = (input: Uint8Array) => tlv(0x7c, concatBytes(tlv(0x82), tlv(0x81, input)));

describe('management key (9B) through GENERAL AUTHENTICATE', () => {
  it('reproduces the DESIGN.md 3DES vectors: witness D0FE…F8 goes out as 39A0…75, challenge AC29…23 comes back A4C4…64', async () => {
    // Every 8-byte witness this card draws is the KAT's plaintext witness.
    const card = createVirtualPivCard({
      profile: 'yubikey-5.4',
      random: (n) => (n === 8 ? fromHex('D0FE1A35A4E940F8') : webRandom(n)),
    });
    await selectPiv(card);
    expect(await authenticateManagement(card, 0x03, DEFAULT_MGMT)).toBe(0x9000);
    expect(
      (
        await send(
          card,
          shortApdu(0, 0xff, 0xff, 0xff, fromHex('039B188A98F110D3497B022100B774DF0EF99B53EF4B8E3B918604')),
        )
      ).sw,
    ).toBe(0x9000);
    const first = await send(card, '0087039B047C028000');
    expect(first.hex).toBe('7c0a800839a0a8e9f5288775');
    const second = await send(
      card,
      shortApdu(0, 0x87, 0x03, 0x9b, fromHex('7C148008D0FE1A35A4E940F88108AC29A45E1F428A23')),
    );
    expect(second.hex).toBe('7c0a8208a4c4d92374597f64');
  });

  it('single authentication: 7C 81 challenge, then 7C 82 E(challenge); a wrong answer is 6982', async () => {
    const card = createVirtualPivCard({ profile: 'yubikey-5.4' });
    await selectPiv(card);
    const challenge = await send(card, '0087039B047C028100');
    const c = challenge.data.subarray(4);
    expect(c).toHaveLength(8);
    const wrong = await send(card, shortApdu(0, 0x87, 0x03, 0x9b, tlv(0x7c, tlv(0x82, new Uint8Array(8)))));
    expect(wrong.sw).toBe(0x6982);
    const again = (await send(card, '0087039B047C028100')).data.subarray(4);
    const right = await send(
      card,
      shortApdu(0, 0x87, 0x03, 0x9b, tlv(0x7c, tlv(0x82, await encryptBlock(0x03, DEFAULT_MGMT, again)))),
    );
    expect(right.sw).toBe(0x9000);
  });

  it.each([
    { alg: 0x08, key: '00112233445566778899aabbccddeeff' },
    { alg: 0x0c, key: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' },
    { alg: 0x03, key: '0123456789abcdef0123456789abcdef0123456789abcdef' },
  ])(
    'SET MANAGEMENT KEY to algorithm $alg, then authenticates with it and not with the old one',
    async ({ alg, key }) => {
      const card = await adminCard('yubikey-5.7');
      const k = fromHex(key);
      expect(
        (await send(card, shortApdu(0, 0xff, 0xff, 0xff, concatBytes(Uint8Array.of(alg, 0x9b, k.length), k)))).sw,
      ).toBe(0x9000);
      expect(await authenticateManagement(card, 0x0a, DEFAULT_MGMT)).toBe(0x6a86);
      expect(await authenticateManagement(card, alg, k)).toBe(0x9000);
      expect((await send(card, '00F7009B00')).hex).toBe(`0101${toHex([alg], { lower: true })}02020101050100`);
    },
  );
});

describe('slot keys', () => {
  it('generates P-256 in 9A; ECDSA over the hash needs the PIN once and verifies with Node', async () => {
    const card = await adminCard();
    const gen = await generate(card, 0x9a, 0x11);
    expect(gen.hex).toMatch(/^7f4943864104/);
    const digest = createHash('sha256').update('hello').digest();
    expect((await transmit(card, 0x87, 0x11, 0x9a, signRequest(digest))).sw).toBe(0x6982);
    await send(card, shortApdu(0, 0x20, 0, 0x80, padPin('123456')));
    for (let i = 0; i < 2; i++) {
      const sig = await transmit(card, 0x87, 0x11, 0x9a, signRequest(digest));
      expect(sig.sw).toBe(0x9000);
      const der = sig.data.subarray(4);
      expect(verify('sha256', utf8('hello'), { key: publicKey(gen.data, 'P-256'), dsaEncoding: 'der' }, der)).toBe(
        true,
      );
    }
    expect((await transmit(card, 0x87, 0x14, 0x9a, signRequest(digest))).sw).toBe(0x6a86);
  });

  it('generates RSA 2048 in 9C; a PKCS#1 block signs once per VERIFY (PIN policy always)', async () => {
    const card = await adminCard('yubikey-5.4');
    const gen = await generate(card, 0x9c, 0x07);
    expect(gen.sw).toBe(0x9000);
    const key = publicKey(gen.data, 'RSA');
    const digestInfo = concatBytes(
      fromHex('3031300d060960864801650304020105000420'),
      createHash('sha256').update('doc').digest(),
    );
    const block = concatBytes(
      Uint8Array.of(0, 1),
      new Uint8Array(256 - 3 - digestInfo.length).fill(0xff),
      Uint8Array.of(0),
      digestInfo,
    );
    await send(card, shortApdu(0, 0x20, 0, 0x80, padPin('123456')));
    const sig = await transmit(card, 0x87, 0x07, 0x9c, signRequest(block));
    expect(sig.sw).toBe(0x9000);
    expect(verify('sha256', utf8('doc'), key, sig.data.subarray(8))).toBe(true);
    expect((await transmit(card, 0x87, 0x07, 0x9c, signRequest(block))).sw).toBe(0x6982);
    expect((await transmit(card, 0x87, 0x07, 0x9c, signRequest(block.subarray(1)))).sw).toBe(0x6982);
  });

  it('generates RSA 4096 on 5.7 (response chained with 61xx) and signs', async () => {
    const card = await adminCard('yubikey-5.7');
    const gen = await generate(card, 0x9e, 0x16, tlv(0xaa, [0x01]));
    expect(gen.data.length).toBeGreaterThan(512);
    const block = concatBytes(
      Uint8Array.of(0, 1),
      new Uint8Array(512 - 3 - 51).fill(0xff),
      Uint8Array.of(0),
      fromHex('3031300d060960864801650304020105000420'),
      createHash('sha256').update('x').digest(),
    );
    const sig = await transmit(card, 0x87, 0x16, 0x9e, signRequest(block));
    expect(verify('sha256', utf8('x'), publicKey(gen.data, 'RSA'), sig.data.subarray(8))).toBe(true);
  }, 60_000);

  it('Ed25519 signs the message; X25519 and P-256 agree keys (85) like Node; 5.4 refuses Ed25519', async () => {
    const card = await adminCard('yubikey-5.7');
    await send(card, shortApdu(0, 0x20, 0, 0x80, padPin('123456')));
    const ed = await generate(card, 0x9a, 0xe0);
    const sig = await transmit(card, 0x87, 0xe0, 0x9a, signRequest(new TextEncoder().encode('msg')));
    expect(verify(null, utf8('msg'), publicKey(ed.data, 'Ed25519'), sig.data.subarray(4))).toBe(true);
    for (const [alg, curve] of [
      [0xe1, 'X25519'],
      [0x11, 'P-256'],
    ] as const) {
      const gen = await generate(card, 0x9d, alg);
      const peer =
        curve === 'X25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = peer.publicKey.export({ format: 'jwk' });
      const point =
        curve === 'X25519'
          ? base64UrlToBytes(jwk.x!)
          : concatBytes(Uint8Array.of(4), base64UrlToBytes(jwk.x!), base64UrlToBytes(jwk.y!));
      const shared = await transmit(card, 0x87, alg, 0x9d, tlv(0x7c, concatBytes(tlv(0x82), tlv(0x85, point))));
      expect(shared.data.subarray(4)).toEqual(
        new Uint8Array(diffieHellman({ privateKey: peer.privateKey, publicKey: publicKey(gen.data, curve) })),
      );
    }
    expect((await generate(await adminCard('yubikey-5.4'), 0x9a, 0xe0)).sw).toBe(0x6a80);
  });

  it('GENERATE needs the management key; GENERAL AUTHENTICATE on an empty slot is 6A88', async () => {
    const card = createVirtualPivCard({ profile: 'yubikey-5.7' });
    await selectPiv(card);
    expect((await generate(card, 0x9a, 0x11)).sw).toBe(0x6982);
    expect((await transmit(card, 0x87, 0x11, 0x9e, signRequest(new Uint8Array(32)))).sw).toBe(0x6a88);
  });
});

describe('Yubico key extensions', () => {
  it('IMPORT KEY (P-256) reports origin imported and cannot be attested; a generated key is attested by F9', async () => {
    const card = await adminCard('yubikey-5.7');
    const scalar = fromHex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
    expect((await send(card, shortApdu(0, 0xfe, 0x11, 0x9d, tlv(0x06, scalar)))).sw).toBe(0x9000);
    const meta = await send(card, '00F7009D00');
    expect(meta.hex).toMatch(/^010111020202010301020443864104/);
    expect((await send(card, '00F99D0000')).sw).toBe(0x6a80);
    await generate(card, 0x9a, 0x11, tlv(0xaa, [0x03]));
    const attestation = await transmit(card, 0xf9, 0x9a, 0x00);
    const ca = await transmit(card, 0xcb, 0x3f, 0xff, fromHex('5C035FFF01'));
    const caCert = new X509Certificate(ca.data.subarray(8, 8 + ((ca.data[6]! << 8) | ca.data[7]!)));
    const cert = new X509Certificate(attestation.data);
    expect(cert.subject).toBe('CN=YubiKey PIV Attestation 9a');
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
  });

  it('MOVE KEY (5.7) moves 9A to 82 and deletes with FF; 5.4 does not know it', async () => {
    const card = await adminCard('yubikey-5.7');
    await generate(card, 0x9a, 0x11);
    expect((await send(card, '00F6829A00')).sw).toBe(0x9000);
    expect((await send(card, '00F7009A00')).sw).toBe(0x6a88);
    expect((await send(card, '00F7008200')).hex).toMatch(/^010111/);
    expect((await send(card, '00F6FF8200')).sw).toBe(0x9000);
    expect((await send(card, '00F7008200')).sw).toBe(0x6a88);
    expect((await send(await adminCard('yubikey-5.4'), '00F6829A00')).sw).toBe(0x6d00);
  });

  it('SET PIN RETRIES needs PIN and management key, then both counters follow', async () => {
    const card = await adminCard('yubikey-5.4');
    expect((await send(card, '00FA050600')).sw).toBe(0x6982);
    await send(card, shortApdu(0, 0x20, 0, 0x80, padPin('123456')));
    expect((await send(card, '00FA050600')).sw).toBe(0x9000);
    expect((await send(card, '00F7008000')).hex).toBe('0101ff05010106020505');
    expect((await send(card, '00F7008100')).hex).toBe('0101ff05010106020606');
  });
});
