/**
 * The card's management-key ciphers against published vectors: DESIGN.md's 3DES KATs (from Yubico's
 * .NET SDK tests) and FIPS-197 Appendix C for AES-128/192/256.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes';
import { decryptBlock, encryptBlock, MGMT_ALGORITHM } from './mgmt-cipher';

const KAT_KEY = fromHex('8A98F110D3497B022100B774DF0EF99B53EF4B8E3B918604');
const DEFAULT_KEY = fromHex('010203040506070801020304050607080102030405060708');

describe('3DES management key (DESIGN.md known answers)', () => {
  it('decrypts witness 39A0A8E9F5288775 to D0FE1A35A4E940F8', async () => {
    expect(toHex(await decryptBlock(MGMT_ALGORITHM.TDES, KAT_KEY, fromHex('39A0A8E9F5288775')), { lower: true })).toBe(
      'd0fe1a35a4e940f8',
    );
  });
  it('encrypts host challenge AC29A45E1F428A23 to A4C4D92374597F64', async () => {
    expect(toHex(await encryptBlock(MGMT_ALGORITHM.TDES, KAT_KEY, fromHex('AC29A45E1F428A23')), { lower: true })).toBe(
      'a4c4d92374597f64',
    );
  });
  it('the default key encrypts FA17B0C74A46B0A7 to 14CFC65EEABADF1D', async () => {
    expect(
      toHex(await encryptBlock(MGMT_ALGORITHM.TDES, DEFAULT_KEY, fromHex('FA17B0C74A46B0A7')), { lower: true }),
    ).toBe('14cfc65eeabadf1d');
  });
});

describe.each([
  {
    name: 'AES-128',
    alg: MGMT_ALGORITHM.AES128,
    key: '000102030405060708090a0b0c0d0e0f',
    ct: '69c4e0d86a7b0430d8cdb78070b4c55a',
  },
  {
    name: 'AES-192',
    alg: MGMT_ALGORITHM.AES192,
    key: '000102030405060708090a0b0c0d0e0f1011121314151617',
    ct: 'dda97ca4864cdfe06eaf70a0ec0d7191',
  },
  {
    name: 'AES-256',
    alg: MGMT_ALGORITHM.AES256,
    key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    ct: '8ea2b7ca516745bfeafc49904b496089',
  },
])('$name (FIPS-197 Appendix C)', ({ alg, key, ct }) => {
  const pt = '00112233445566778899aabbccddeeff';
  it('encrypts one block as ECB', async () => {
    expect(toHex(await encryptBlock(alg, fromHex(key), fromHex(pt)), { lower: true })).toBe(ct);
  });
  it('decrypts one block as ECB', async () => {
    expect(toHex(await decryptBlock(alg, fromHex(key), fromHex(ct)), { lower: true })).toBe(pt);
  });
});
