/**
 * Corpus test: every literal ATR in pcsc-tools' smartcard_list.txt (Debian package `pcsc-tools`) goes
 * through `parseAtr` with TCK checked (ISO/IEC 7816-3:2006 §8.2.5). Entries written as patterns
 * (`..`, `[..]`, `.` wildcards) are counted and skipped. Entries the parser refuses must be listed in
 * KNOWN_BAD with the fault it reports; the list's own reasons are below.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../app-error';
import { atrFromHex, parseAtr } from './atr';

const LIST = '/usr/share/pcsc/smartcard_list.txt';

/**
 * Entries of smartcard_list.txt (pcsc-tools 1.6.2) that are not well-formed ATRs, by the fault found:
 * - TRAILING: bytes after the last field. Either the card sends a TCK although it offers only T=0
 *   (§8.2.5 forbids it), or the list entry has bytes appended (e.g. an SW 90 00 pasted after the ATR).
 * - TRUNCATED: the entry is shorter than T0's K or the Y bits announce (copied short, or a card that
 *   announces more historical bytes than it sends).
 * - TCK_MISSING: T=1 (or T=15) is announced but the entry ends before TCK.
 * - TCK_MISMATCH: TCK is present but XOR of T0..TCK is not 00: a genuinely wrong check byte in the list.
 */
const KNOWN_BAD: ReadonlyMap<string, string> = new Map([
  ['3B 00 3B 28 00 34 41 45 41 30 32 30 30', 'TRAILING'],
  ['3B 02 14 50 11', 'TRAILING'],
  ['3B 02 30 92 01 24 00 16 07 00 00', 'TRAILING'],
  ['3B 04 60 89', 'TRUNCATED'],
  ['3B 10 14 50', 'TRAILING'],
  ['3B 23 00 00 36 41 81', 'TRAILING'],
  ['3B 26 00 11 01 6D 03', 'TRUNCATED'],
  ['3B 2F 00 80 69 AF 03 07 06 68 00 00 0A 0E 83 06', 'TRUNCATED'],
  ['3B 3F 96 00 80 12 00 91 31 C0 64 0E 47 44 FA 72 F7 41 05 2F', 'TRAILING'],
  ['3B 4F 00 53 6C 65 34 34 32 2D 34 34 3D A2 13 10 91', 'TRUNCATED'],
  ['3B 65 00 00 20 63 CB 68 00 26', 'TRAILING'],
  ['3B 65 00 00 80 31 E0 6B 04 52 05 02 BF 55 55 55 55 55 55', 'TRAILING'],
  ['3B 67 00 FF C5 00 00 FF FF FF FF 5D', 'TRAILING'],
  ['3B 6B 00 00 00 00 31 C0 64 3F 68 01 00 07 90 00', 'TRAILING'],
  ['3B 6B 00 00 00 31 C1 64 08 60 32 06 0F 90', 'TRUNCATED'],
  ['3B 6B 00 FF 56 43 41 52 44 5F 4E 53 53', 'TRUNCATED'],
  ['3B 6D 00 00', 'TRUNCATED'],
  ['3B 6D 00 00 00 80 31 80 65 B0 89 35 01 F1 83 00 90 00', 'TRAILING'],
  ['3B 6E 00 00 00 31 C0 71 D6 64 38 D0 03 00 84 90', 'TRUNCATED'],
  ['3B 6E 00 00 80 66 B1 A3 04 01 11 0B 83 00 90 00', 'TRUNCATED'],
  ['3B 6F 00 00 00 31 C1 73 C8 21 10 64 41 4D 33 47', 'TRUNCATED'],
  ['3B 6F 00 00 80 31 E0 6B 08 2E 05 02 B9 55 55 55', 'TRUNCATED'],
  ['3B 6F 00 00 80 5A 28 11 42 10 10 12 2B 26 0C D4 5A 82 90 00', 'TRAILING'],
  ['3B 78 14 00 00 00 73 C8 40 00 00', 'TRUNCATED'],
  ['3B 78 18 00 00 00 73 C8 40 00 00 00 00 90 00', 'TRAILING'],
  ['3B 7A 96 00 00 80 65 A2 01 20 01 00 30 3D 72 D6 41', 'TRAILING'],
  ['3B 7F 96 00 00 80 31 80 65 B0 85 03 00 EF 12 0F FF 82', 'TRUNCATED'],
  ['3B 7F 96 00 80 31 80 65 B0 84 41 3D F6 12 00 4C 82 90 00', 'TRUNCATED'],
  ['3B 80 1F C7 80 31 E0 73 FE 21 11 63 40 71 63 83 07 90 00 9A', 'TRAILING'],
  ['3B 84 80 01 01 11 20 03 36 90 00', 'TRAILING'],
  ['3B 86 80 01 06 75 77 81 02 8F 00', 'TCK_MISMATCH'],
  ['3B 87 80 01 77 43 32 53 01 00 01 53 77 43 32 53 01 00 01', 'TRAILING'],
  ['3B 88 80 01 00 00 00 00 77 83 95 00 00', 'TCK_MISMATCH'],
  ['3B 88 8E FE 53 2A 03 1E 04 92 80 00 41 32 36 01 11 E4', 'TCK_MISMATCH'],
  ['3B 8B 00 52 75 74 6F 6B 65 6E 6C 74 53 44 E3', 'TRAILING'],
  ['3B 8C 80 01 50 27 52 31 81 00 00 00 00 00 71 81', 'TCK_MISSING'],
  ['3B 8D 01 80 FB A0 00 00 03 97 42 54 46 59 04 01', 'TCK_MISSING'],
  ['3B 8E 80 01 80 31 80 66 B1 84 0C 01 6E 01 83 00 90 00 1C 02 14 50', 'TRAILING'],
  ['3B 8F 80 01 80 4F 0C A0 00 1A 00 00 00 00 78', 'TRUNCATED'],
  ['3B 95 96 C0 F0 1F C2 0F 10 0A 0A 16', 'TCK_MISSING'],
  ['3B 96 00 41 21 92 00 00 62 24 33 33 90 00', 'TRAILING'],
  ['3B 96 18 80 01 80 51 00 61 10 30 9F 00 61 10 30 9E', 'TRAILING'],
  ['3B 97 11 80 1F 41 80 31 A0 73 BE 21 00 A6', 'TCK_MISMATCH'],
  ['3B 9E 95 80 1F C7 80 31 E0 73 FE 21 1B 66 D0 00 49 00 C0 00 4A', 'TCK_MISMATCH'],
  ['3B 9E 95 80 1F C7 80 31 E0 73 FE 21 1B 66 D0 02 19 15 13 00', 'TCK_MISSING'],
  ['3B 9E 96 80 1F C7 80 31 E0 73 FE 21 1B 66 D0 01 77 97 0D 00', 'TCK_MISSING'],
  ['3B 9F 11 40 60 49 52 44 45 54 4F 20 41 43 53 20 56 35 2E 38 00', 'TRAILING'],
  ['3B 9F 21 0E 49 52 44 45 54 4F 20 41 43 53 20 56 31 2E 32 A0', 'TCK_MISMATCH'],
  ['3B 9F 95 80 1F C7 80 31 E0 73 FE 21 13 57 4A 33 05 2E 32 34 00', 'TCK_MISSING'],
  ['3B 9F 96 80 1F C7 80 31 A0 73 BE 21 13 67 43 20 07 18 00 00 01 00', 'TCK_MISMATCH'],
  ['3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 64 07 59 51 00 82 90 00 CE 00 00 00 00 00 00 00 00 00 00', 'TRAILING'],
  ['3B 9F 97 81 31 FE 45 80 65 54 43 12 21 08 31 C0 73 F6 21 80 81 05', 'TCK_MISSING'],
  ['3B 9F 97 81 31 FE 45 80 65 54 43 12 21 08 31 C0 73 F6 21 80 81 05 90', 'TCK_MISMATCH'],
  ['3B BA 14 00 81 31 86 5D 00 64 05 7B 02 03 31 80 90 00', 'TCK_MISSING'],
  ['3B BA 14 00 81 31 86 5D 00 64 05 7B 02 03 31 90 00 FF', 'TCK_MISSING'],
  ['3B BA 94 00 40 14', 'TRUNCATED'],
  ['3B BA 96 00 81 31 86 5D 00 64 05 60 02 03 31 80 90 00 66 70 01 04 05 30 C9', 'TRAILING'],
  ['3B BF 96 00 81 31 FE 5D 00 64 04 11 00 00 31 C0 73 F7 01 D0 00 90 00', 'TCK_MISSING'],
  ['3B BF 96 00 81 31 FE 5D 00 64 04 11 03 01 31 C0 73 01 D0 00 90 00 00', 'TCK_MISSING'],
  ['3B BF 96 00 81 31 FE 5D 00 64 04 11 03 01 31 C0 73 F7 01 D0 00 90 00', 'TCK_MISSING'],
  ['3B DD 97 FF 81 B1 FE 45 1F 03 00 64 04 05 08 03 73 96 96 21 D0 00 90 C8', 'TCK_MISMATCH'],
  ['3B DF 18 00 81 31 FE 58 AC 31 B0 52 02 04 64 05 C9 03 AC 73 B7 B1 D4 22', 'TCK_MISMATCH'],
  ['3B DF 18 FF 81 F1 FE 43 00 3F 03 83 4D 49 46 50 6C 75 73 20 53 41 4D 3B 53 41 4D 3B', 'TCK_MISMATCH'],
  ['3B E6 00 00 80 31 80 66 B1 A3 04 01 11 0B 83', 'TCK_MISMATCH'],
  ['3B E6 00 00 80 31 80 66 B1 A3 04 01 11 0B 83 00 90 00', 'TRAILING'],
  ['3B EC 00 00 40 32 42 4C 55 45 20 44 52 41 47 4F 4E 20 43 00 01', 'TRAILING'],
  ['3B ED 00 00 80 31 80 65 B0 84 01 00 C8 83 00 90 00', 'TRUNCATED'],
  ['3B ED 00 00 81 31 FE 45 00 31 C0 71 C6 64 4D 35 35 4D 0F 90 00', 'TCK_MISSING'],
  ['3B EE 00 00 81 31 80 43 80 31 80 66 B1 A1 11 01 00 F6 83 00 90 00', 'TCK_MISSING'],
  ['3B EE 00 00 81 31 80 43 80 31 80 66 B1 A1 11 01 A0 F6 83 00 90 00', 'TCK_MISSING'],
  ['3B EF 00 FF 81 31 50 45 65 63 00 00 00 00 00 00 00 00 00 00 00 00 00 00', 'TCK_MISMATCH'],
  ['3B EF 00 FF 81 31 66 45 65 63 20 20 49 42 4D 20 33 2E 31 20 20 20 20', 'TCK_MISSING'],
  ['3B F5 71 00 FF FE 24 00 01 1E 0F 33 39 32 01 03', 'TCK_MISSING'],
  ['3B F7 11 00 01 40 96 54 30 04 0E 6C B6 D6 90 00', 'TRAILING'],
  ['3B F7 11 00 01 40 96 70 70 07 0E 6C B6 D6 90 00', 'TRAILING'],
  ['3B F7 11 00 01 40 96 70 70 0A 0E 6C B6 D6 90 00', 'TRAILING'],
  ['3B F8 13 00 00 81 31 FE 45 4A 4F 50 76 32 34 31 B7', 'TCK_MISSING'],
  ['3B F8 13 00 FF 10 80 53 43 06 63 01 0F 90 00 00', 'TRAILING'],
  ['3B F9 91 00 FF 91 81 71 FC 40 00 0A 09 51 61 90 00 58 C2 90 D2', 'TCK_MISMATCH'],
  ['3B F9 96 00 00 80 31 FE 45 53 43 45 37 20 47 4E 33 5E', 'TCK_MISSING'],
  ['3B FA 13 00 00 81 31 FE 45 4A 43 4F 50 34 31 56', 'TRUNCATED'],
  ['3B FB 13 00 FF C0 80 75 53 54 4F 4C 4C 4D 31 50 4C 55 53 BD', 'TRUNCATED'],
  ['3B FD 96 00 00 81 31 20 43 80 31 80 65 B0 83 11 48 C8 83 00 90 00', 'TCK_MISSING'],
  ['3B FD 96 00 00 81 31 48 42 80 31 80 65 B0 84 01 00 C8 83 00 90 00', 'TCK_MISSING'],
  ['3B FE 91 00 FF 91 81 71 FE 40 00 41 38 00 21 80 81 80 66 B0 07 01 01 77 07 B7', 'TCK_MISMATCH'],
  ['3B FE 96 00 00 81 31 FE 45 80 31 80 66 40 90 A5 10 2E 03 83 01 90 00 6E 90 00', 'TRAILING'],
  ['3B FF 00 00 FF 81 31 FE 45 80 25 A0 00 00 00 56 57 53 43 36 35 30 00 00 00', 'TCK_MISMATCH'],
  ['3B FF 95 00 00 80 31 FE 43 80 31 80 67 B0 85 02 01 F3 A3 13 83 01 F8 3B FF', 'TCK_MISMATCH'],
  ['3B FF 95 00 01 50 80 1C 44 4E 41 53 50 34 32 30 20 52 65 76 53 34 30 F1', 'TRAILING'],
  ['3B FF 95 00 01 50 80 1C 44 4E 41 53 50 34 32 30 20 52 65 76 53 34 30 F1 5D', 'TRAILING'],
  ['3F FF 95 00 FF 91 81 71 A0 47 00 44 4E 41 53 50 30 31 31 20 52 65 76 42', 'TRUNCATED'],
  ['3F FF 95 00 FF 91 81 71 FE 47 00 44 4E 41 53 50 32 34 31 20 44 73 68', 'TRUNCATED'],
]);

function readEntries(): string[] {
  return readFileSync(LIST, 'utf8')
    .split('\n')
    .filter((l) => /^[0-9A-Fa-f]/.test(l))
    .map((l) => l.trim());
}

describe('ATR corpus: pcsc-tools smartcard_list.txt', () => {
  it('is installed (CI installs pcsc-tools)', () => {
    expect(existsSync(LIST), `${LIST} is missing: apt-get install pcsc-tools`).toBe(true);
  });

  it('parses every literal ATR with TCK checked; rejections are all known and explained', () => {
    let parsed = 0;
    let skipped = 0;
    const rejected = new Map<string, string>();
    for (const entry of readEntries()) {
      if (!/^[0-9A-Fa-f]{2}( [0-9A-Fa-f]{2})*$/.test(entry)) {
        skipped++;
        continue;
      }
      try {
        const atr = parseAtr(atrFromHex(entry));
        if (atr.tck !== undefined) expect(atr.bytes.slice(1).reduce((a, b) => a ^ b, 0)).toBe(0);
        parsed++;
      } catch (e) {
        expect(isAppError(e, 'ccid', 'ATR_INVALID'), `${entry}: ${String(e)}`).toBe(true);
        rejected.set(entry, (e as { fields: { reason: string } }).fields.reason);
      }
    }
    console.info(`smartcard_list.txt: ${parsed} parsed, ${skipped} pattern entries skipped, ${rejected.size} rejected`);
    const unexplained = [...rejected].filter(([atr, reason]) => KNOWN_BAD.get(atr) !== reason);
    expect(unexplained).toEqual([]);
    // Every known-bad entry still in the list must still be refused for the same reason.
    const all = new Set(readEntries());
    for (const [atr, reason] of KNOWN_BAD) if (all.has(atr)) expect(rejected.get(atr)).toBe(reason);
    // pcsc-tools 1.6.2 holds 4041 entries: 3803 literal, 238 patterns.
    expect(parsed).toBeGreaterThan(3500);
    expect(skipped).toBeLessThan(parsed / 4);
    expect(rejected.size).toBeLessThan(parsed / 20);
  });
});
