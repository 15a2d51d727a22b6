/**
 * PIN-pad readers (pin-pad.ts): the PC_to_RDR_Secure structures for PIV VERIFY and CHANGE REFERENCE DATA
 * byte by byte, and every reader of the libccid corpus (test/fixtures/ccid-readers.json) that declares
 * bPINSupport: which operations it offers and that the whole message fits its dwMaxCCIDMessageLength.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import { parseCcidDescriptor, type CcidDescriptor, type ExchangeLevel } from './descriptor';
import { CCID_HEADER_LENGTH, secure } from './messages';
import { pinPadOperations, secureAbData, type PinPadCommand } from './pin-pad';
import { PIV_CHANGE_ON_PAD, PIV_VERIFY_ON_PAD } from '../../test/support/piv-pin-pad-commands';

interface CorpusReader {
  file: string;
  descriptorHex: string;
}
const CORPUS =
  process.env['CCID_CORPUS'] ?? fileURLToPath(new URL('../../test/fixtures/ccid-readers.json', import.meta.url));
const readers = (JSON.parse(readFileSync(CORPUS, 'utf8')) as { readers: CorpusReader[] }).readers;
const descriptorOf = (file: string): CcidDescriptor =>
  parseCcidDescriptor(fromHex(readers.find((r) => r.file === file)!.descriptorHex));

const VERIFY = PIV_VERIFY_ON_PAD;
const CHANGE = PIV_CHANGE_ON_PAD;
const pivVerifyOnPad = (d: CcidDescriptor, extra: Partial<PinPadCommand> = {}) =>
  secureAbData(d, { ...VERIFY, ...extra });
const pivChangeOnPad = (d: CcidDescriptor, extra: Partial<PinPadCommand> = {}, prologue?: Uint8Array) =>
  secureAbData(d, { ...CHANGE, ...extra }, prologue);

describe('PIV on the keypad: the structures', () => {
  it('VERIFY on a reader without a display (ACS APG8201): no message, 8 ASCII bytes, FF placeholders', () => {
    const d = descriptorOf('ACS_APG8201.txt');
    expect([d.lcdLayout, d.pinSupport]).toEqual([null, { verification: true, modification: true }]);
    expect(toHex(pivVerifyOnPad(d, { timeoutSeconds: 30 }))).toBe(
      [
        '00', //                bPINOperation: verification
        '1E', //                bTimeOut: 30 s
        '82', //                bmFormatString: bytes, PIN at data offset 0, left justified, ASCII
        '08', //                bmPINBlockString: no length field, 8-byte block
        '00', //                bmPINLengthFormat
        '0806', //              wPINMaxExtraDigit LE: max 8, min 6
        '02', //                bEntryValidationCondition: OK key
        '00', //                bNumberMessage: no display
        '0904', //              wLangId 0x0409
        '00', //                bMsgIndex
        '000000', //            bTeoPrologue
        '0020008008', //        VERIFY, PIN reference 80, Lc 8
        'FFFFFFFFFFFFFFFF', //  PIN block placeholders (SP 800-73-4 Part 2 §3.2.1)
      ].join(''),
    );
  });

  it('RESET RETRY COUNTER: the PUK from the host, only the new PIN typed (twice)', () => {
    const d = descriptorOf('ACS_APG8201.txt');
    const reset = { ...CHANGE, apdu: fromHex(`002C008010${'31'.repeat(8)}${'FF'.repeat(8)}`), enterCurrent: false };
    const ab = secureAbData(d, reset);
    expect(toHex(ab.subarray(0, 10))).toBe('01008208000008080601'); // … wPINMaxExtraDigit 0806, bConfirmPIN 01
    expect(toHex(ab.subarray(-21))).toBe(toHex(reset.apdu));
  });

  it('CHANGE REFERENCE DATA on a reader with a display: current PIN at 0, new at 8, three messages', () => {
    const d = descriptorOf('ACS_APG8201-B2.txt');
    expect(d.lcdLayout).not.toBeNull();
    expect(toHex(pivChangeOnPad(d))).toBe(
      [
        '01', //                bPINOperation: modification
        '00', //                bTimeOut: the reader's default
        '82', //                bmFormatString
        '08', //                bmPINBlockString
        '00', //                bmPINLengthFormat
        '00', //                bInsertionOffsetOld
        '08', //                bInsertionOffsetNew
        '0806', //              wPINMaxExtraDigit
        '03', //                bConfirmPIN: current PIN entered, new PIN confirmed
        '02', //                bEntryValidationCondition
        '03', //                bNumberMessage
        '0904', //              wLangId
        '000102', //            bMsgIndex1..3
        '000000', //            bTeoPrologue
        '0024008010', //        CHANGE REFERENCE DATA, reference 80, Lc 16
        'FF'.repeat(16),
      ].join(''),
    );
    // Without a display only bMsgIndex1 is sent.
    expect(pivChangeOnPad(descriptorOf('ACS_APG8201.txt'))).toHaveLength(pivChangeOnPad(d).length - 2);
  });

  it('refuses entry limits a PIV PIN block cannot hold', () => {
    const d = descriptorOf('ACS_APG8201.txt');
    expect(() => pivVerifyOnPad(d, { maxDigits: 9 })).toThrow(RangeError);
    expect(() => pivVerifyOnPad(d, { minDigits: 7, maxDigits: 6 })).toThrow(RangeError);
    expect(() => pivVerifyOnPad(d, { timeoutSeconds: 256 })).toThrow(RangeError);
    expect(() => pivChangeOnPad(d, {}, new Uint8Array(2))).toThrow(RangeError);
    // The PIN fields must lie inside the APDU's data, and Lc must say its length.
    expect(() => pivChangeOnPad(d, { newPinOffset: 9 })).toThrow(RangeError);
    expect(() => pivVerifyOnPad(d, { apdu: fromHex('00200080') })).toThrow(RangeError);
  });
});

describe('PIN-pad readers of the corpus', () => {
  it('98 offer verification, 96 modification too; every PIV Secure message fits the reader', () => {
    const levels: Partial<Record<ExchangeLevel, number>> = {};
    let verify = 0;
    let modify = 0;
    for (const r of readers) {
      const d = parseCcidDescriptor(fromHex(r.descriptorHex));
      const ops = pinPadOperations(d);
      if (!ops.verify && !ops.modify) continue;
      levels[d.exchangeLevel] = (levels[d.exchangeLevel] ?? 0) + 1;
      for (const [offered, abData] of [
        [ops.verify, pivVerifyOnPad(d)],
        [ops.modify, pivChangeOnPad(d)],
      ] as const) {
        if (!offered) continue;
        const message = secure({ slot: 0, seq: 0 }, abData[0]!, abData.subarray(1));
        expect(message.length, r.file).toBe(CCID_HEADER_LENGTH + abData.length);
        expect(message.length, r.file).toBeLessThanOrEqual(d.maxMessageLength);
      }
      verify += ops.verify ? 1 : 0;
      modify += ops.modify ? 1 : 0;
    }
    console.log('CCID corpus PIN pads:', { verify, modify, levels });
    expect([verify, modify]).toEqual([98, 96]);
    expect(levels).toEqual({ tpdu: 30, 'short-apdu': 40, 'extended-apdu': 28 });
  });
});
