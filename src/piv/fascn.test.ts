/**
 * FASC-N and CHUID codecs (SP 800-73-4 Part 1 Table 9; TIG SCEPACS v2.3 §6 for the 5-bit BCD layout).
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import { bytesToUuid, decodeChuid, encodeChuid, uuidToBytes } from './chuid';
import { decodeFascn, encodeFascn, nonFederalFascn } from './fascn';

// yubico-piv-tool's default CHUID FASC-N: every character's odd parity and the LRC check.
const YUBICO_FASCN = 'D4E739DA739CED39CE739D836858210842108421C84210C3EB';

describe('FASC-N', () => {
  it('decodes the yubico-piv-tool default and encodes it back byte for byte', () => {
    const f = decodeFascn(fromHex(YUBICO_FASCN));
    expect(f).toEqual({
      agencyCode: '9999',
      systemCode: '9999',
      credentialNumber: '999999',
      credentialSeries: '0',
      individualCredentialIssue: '1',
      personIdentifier: '0000000000',
      organizationalCategory: '3',
      organizationalIdentifier: '0000',
      personOrganizationAssociation: '1',
    });
    expect(toHex(encodeFascn(f))).toBe(YUBICO_FASCN);
  });

  it('starts with SS (11010) and the first digit as b1..b4 + parity: 9 → 10011', () => {
    const bits = Array.from(encodeFascn(nonFederalFascn(1)).slice(0, 2), (b) => b.toString(2).padStart(8, '0')).join(
      '',
    );
    expect(bits.slice(0, 10)).toBe('11010' + '10011');
  });

  it('round-trips a credential number and rejects flipped bits, bad LRC and bad fields', () => {
    const bytes = encodeFascn(nonFederalFascn(4242, 9_876_543_210));
    expect(decodeFascn(bytes)).toMatchObject({ credentialNumber: '004242', personIdentifier: '9876543210' });
    expect(decodeFascn(encodeFascn(nonFederalFascn(7))).personIdentifier).toBe('0000000000');
    const flipped = bytes.slice();
    flipped[5]! ^= 0x01;
    expect(() => decodeFascn(flipped)).toThrow(/parity|LRC/);
    expect(() => decodeFascn(bytes.slice(0, 24))).toThrow(/25 bytes/);
    expect(() => encodeFascn({ ...nonFederalFascn(1), agencyCode: '99' })).toThrow(/agencyCode must be 4 digits/);
  });
});

describe('CHUID', () => {
  it('encodes tags 30, 34, 35, (36), 3E, FE in order and decodes them back', () => {
    const chuid = {
      fascn: nonFederalFascn(7),
      guid: '00112233-4455-6677-8899-aabbccddeeff',
      expiration: '20291231',
      cardholderUuid: 'ffffffff-0000-4000-8000-000000000001',
      signature: Uint8Array.of(1, 2),
    };
    const bytes = encodeChuid(chuid);
    expect(toHex(bytes.slice(0, 2))).toBe('3019');
    expect(toHex(bytes.slice(27, 45))).toBe('3410' + '00112233445566778899AABBCCDDEEFF');
    expect(toHex(bytes.slice(45, 55))).toBe('3508' + toHex(new TextEncoder().encode('20291231')));
    expect(toHex(bytes.slice(-6))).toBe('3E020102FE00');
    expect(decodeChuid(bytes)).toEqual(chuid);
  });

  it('refuses a GUID that is not a UUID, a bad date, and a CHUID missing its GUID', () => {
    expect(() => uuidToBytes('not-a-uuid')).toThrow(/UUID/);
    expect(() =>
      encodeChuid({
        fascn: nonFederalFascn(1),
        guid: '00112233-4455-6677-8899-aabbccddeeff',
        expiration: '2029-12-31',
        signature: new Uint8Array(0),
      }),
    ).toThrow(/YYYYMMDD/);
    expect(() => decodeChuid(fromHex(`3019${YUBICO_FASCN} 3508 3230333030313031 3E00 FE00`))).toThrow(/GUID/);
    expect(bytesToUuid(uuidToBytes('5B1C2E6F-3A4D-4E8B-9C7D-1F2E3A4B5C6D'))).toBe(
      '5b1c2e6f-3a4d-4e8b-9c7d-1f2e3a4b5c6d',
    );
  });
});
