/**
 * Transcripts for SELECT (SP 800-73-4 Part 2 §3.1.1) and GET DATA / PUT DATA (§3.1.2, §3.3.2) of the
 * CHUID, CCC, Discovery and certificate objects (Part 1 §3.1, Tables 8, 9, 10, 18).
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes';
import { replayPiv, replayPivError, spacedHex } from '../../test/support/transcript-piv';
import type { Chuid } from './chuid';
import { nonFederalFascn } from './fascn';

// The FASC-N yubico-piv-tool writes by default (agency 9999, system 9999, credential 999999); its parity
// bits and LRC check, so it doubles as a decoding vector.
const DEFAULT_FASCN = 'D4 E7 39 DA 73 9C ED 39 CE 73 9D 83 68 58 21 08 42 10 84 21 C8 42 10 C3 EB';
const ENTRA_OID = '5b1c2e6f-3a4d-4e8b-9c7d-1f2e3a4b5c6d';

describe('SELECT', () => {
  it('selects the PIV AID and reads the application property template', async () => {
    const props = await replayPiv(
      `
      => 00 A4 04 00            # SELECT, P1 04 = by DF name, P2 00 = first or only
         05 A0 00 00 03 08      # Lc 5, PIV RID + PIX prefix
         00                     # Le
      <= 61 11                  # application property template
           4F 06 00 00 10 00 01 00      # PIX of the PIV application, version 01 00
           79 07 4F 05 A0 00 00 03 08   # coexistent tag allocation authority: NIST
         90 00`,
      (s) => s.select(),
    );
    expect(props).toEqual({ applicationId: '000010000100', algorithms: [], tagAllocationAuthority: 'A000000308' });
  });

  it('reads the optional label and algorithm list (AC / 80)', async () => {
    const props = await replayPiv(
      `=> 00 A4 04 00 05 A0 00 00 03 08 00
       <= 61 17 4F 06 00 00 10 00 01 00 50 03 4B 57 44 AC 08 80 01 07 80 01 11 06 00 90 00   # 50 "KWD"; AC { 80 07, 80 11, 06 00 }`,
      (s) => s.select(),
    );
    expect(props).toMatchObject({ label: 'KWD', algorithms: [0x07, 0x11] });
  });

  it('a card without the PIV application (6A82) → NOT_PIV', async () => {
    const e = await replayPivError(`=> 00 A4 04 00 05 A0 00 00 03 08 00\n<= 6A 82`, (s) => s.select());
    expect(e).toMatchObject({ layer: 'piv', code: 'NOT_PIV', fields: { sw: 0x6a82 } });
  });
});

describe('CHUID', () => {
  const chuid: Chuid = {
    fascn: {
      ...nonFederalFascn(999999),
      organizationalCategory: '3',
      organizationalIdentifier: '0000',
      credentialSeries: '0',
    },
    guid: ENTRA_OID,
    expiration: '20300101',
    signature: new Uint8Array(0),
  };
  const contents = `
         30 19 ${DEFAULT_FASCN}                                  # FASC-N
         34 10 5B 1C 2E 6F 3A 4D 4E 8B 9C 7D 1F 2E 3A 4B 5C 6D   # GUID = Entra object id
         35 08 32 30 33 30 30 31 30 31                           # expiration "20300101"
         3E 00                                                   # issuer signature: empty (unsigned)
         FE 00                                                   # EDC`;

  it('writes the CHUID with PUT DATA: 5C 03 5F C1 02, 53 3B contents', async () => {
    await replayPiv(
      `
      => 00 DB 3F FF 42         # PUT DATA, P1P2 3FFF, Lc 66
         5C 03 5F C1 02         # tag list: CHUID
         53 3B ${contents}
      <= 90 00`,
      (s) => s.writeChuid(chuid),
    );
  });

  it('reads it back with GET DATA and decodes FASC-N, GUID and expiration', async () => {
    const read = await replayPiv(
      `
      => 00 CB 3F FF 05 5C 03 5F C1 02 00     # GET DATA, tag list 5FC102, Le 00
      <= 53 3B ${contents}
         90 00`,
      (s) => s.readChuid(),
    );
    expect(read).toEqual(chuid);
    expect(read.fascn).toMatchObject({ agencyCode: '9999', systemCode: '9999', credentialNumber: '999999' });
  });

  it('an absent object (6A82) → NOT_FOUND', async () => {
    const e = await replayPivError(`=> 00 CB 3F FF 05 5C 03 5F C1 02 00\n<= 6A 82`, (s) => s.readChuid());
    expect(e).toMatchObject({ code: 'NOT_FOUND', fields: { operation: 'get-data' } });
  });
});

describe('CCC and Discovery', () => {
  it('writes a CCC with the given card id', async () => {
    const id = Uint8Array.from({ length: 14 }, (_, i) => 0x10 + i);
    await replayPiv(
      `
      => 00 DB 3F FF 3A 5C 03 5F C1 07 53 33   # Lc 58; 53 = 51 bytes
         F0 15 A0 00 00 01 16 FF 02 ${spacedHex(id)}   # card identifier: GSC-RID, FF, 02, id
         F1 01 21 F2 01 21 F3 00 F4 01 00 F5 01 10 F6 00 F7 00 FA 00 FB 00 FC 00 FD 00 FE 00
      <= 90 00`,
      (s) => s.writeCcc(id),
    );
  });

  it('writes the Discovery object as 7E directly, without a tag list (Part 2 §3.3.2)', async () => {
    await replayPiv(
      `
      => 00 DB 3F FF 14 7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00
      <= 90 00`,
      (s) => s.writeObject(0x7e, fromHex('4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00')),
    );
  });

  it('reads the Discovery object (7E, no 53 wrapper): PIV PIN only', async () => {
    const d = await replayPiv(
      `
      => 00 CB 3F FF 03 5C 01 7E 00
      <= 7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00   # PIV AID
         5F 2F 02 40 00                                # PIN usage policy: PIV PIN
         90 00`,
      (s) => s.readDiscovery(),
    );
    expect(d).toEqual({
      aid: 'A000000308000010000100',
      pinUsagePolicy: { pivPin: true, globalPin: false, occ: false, vci: false, globalPinPrimary: false },
    });
  });
});

/** BER length field (X.690 §8.1.3): short form below 128, else 81 xx / 82 xxxx. */
const berLength = (n: number) =>
  n < 0x80 ? spacedHex([n]) : n < 0x100 ? `81 ${spacedHex([n])}` : `82 ${spacedHex([n >> 8, n & 0xff])}`;

describe('certificates', () => {
  // Not a real certificate: the PIV layer stores bytes; X.509 parsing is csr.ts's business.
  const cert = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 0xff);

  it('writes 9A (5FC105) uncompressed: 70 cert, 71 00, FE 00, in two chained APDUs', async () => {
    const data = fromHex(`5C 03 5F C1 05 53 82 01 35 70 82 01 2C ${spacedHex(cert)} 71 01 00 FE 00`);
    await replayPiv(
      `
      => 10 DB 3F FF FF ${spacedHex(data.slice(0, 255))}   # CLA 10: more follows
      <= 90 00
      => 00 DB 3F FF 3F ${spacedHex(data.slice(255))}      # last 63 bytes
      <= 90 00`,
      (s) => s.writeCertificate(0x9a, cert),
    );
  });

  it('reads a gzip-compressed certificate of a retired slot (82 → 5FC10D) and gunzips it', async () => {
    const gz = new Uint8Array(gzipSync(cert));
    const body = fromHex(`70 ${berLength(gz.length)} ${spacedHex(gz)} 71 01 01 FE 00`);
    const read = await replayPiv(
      `
      => 00 CB 3F FF 05 5C 03 5F C1 0D 00
      <= 53 ${berLength(body.length)} ${spacedHex(body)} 90 00   # CertInfo 01 = gzip`,
      (s) => s.readCertificate(0x82),
    );
    expect(read).toEqual(cert);
  });

  it('maps slots to objects: 9C → 5FC10A, 9D → 5FC10B, 9E → 5FC101, 95 → 5FC120', async () => {
    for (const [slot, tag] of [
      [0x9c, '5F C1 0A'],
      [0x9d, '5F C1 0B'],
      [0x9e, '5F C1 01'],
      [0x95, '5F C1 20'],
    ] as const) {
      const e = await replayPivError(`=> 00 CB 3F FF 05 5C 03 ${tag} 00\n<= 6A 82`, (s) => s.readCertificate(slot));
      expect(e).toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});
