/**
 * PC/SC Part 10 v2.02.09 §2.3 PIN structures (pcsc-pin-pad.ts) byte by byte for the PIV commands, the
 * feature list of GET_FEATURE_REQUEST, and the check the bridge makes before forwarding a structure.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import type { PinPadCommand } from './card-transport';
import { parseFeatures, pinStructure, pinStructureProblem } from './pcsc-pin-pad';
import { PIV_CHANGE_ON_PAD, PIV_VERIFY_ON_PAD } from '../../test/support/piv-pin-pad-commands';

const VERIFY = PIV_VERIFY_ON_PAD;
const CHANGE: PinPadCommand = { ...PIV_CHANGE_ON_PAD, timeoutSeconds: 30 };

describe('PC/SC Part 10 PIN structures', () => {
  it('PIN_VERIFY_STRUCTURE for PIV VERIFY', () => {
    expect(toHex(pinStructure(VERIFY))).toBe(
      [
        '00', //                  bTimerOut: the reader's default
        '00', //                  bTimerOut2
        '82', //                  bmFormatString: bytes, PIN at 0, left justified, ASCII
        '08', //                  bmPINBlockString: 8-byte block, no length field
        '00', //                  bmPINLengthFormat
        '0806', //                wPINMaxExtraDigit LE: max 8, min 6
        '02', //                  bEntryValidationCondition: OK key
        '01', //                  bNumberMessage
        '0904', //                wLangId 0x0409
        '00', //                  bMsgIndex
        '000000', //              bTeoPrologue
        '0D000000', //            ulDataLength LE: 13
        `0020008008${'FF'.repeat(8)}`, // abData (SP 800-73-4 Part 2 §3.2.1)
      ].join(''),
    );
  });

  it('PIN_MODIFY_STRUCTURE for PIV CHANGE REFERENCE DATA', () => {
    expect(toHex(pinStructure(CHANGE))).toBe(
      [
        '1E1E', //                bTimerOut, bTimerOut2: 30 s
        '820800', //              bmFormatString, bmPINBlockString, bmPINLengthFormat
        '0008', //                bInsertionOffsetOld 0, bInsertionOffsetNew 8
        '0806', //                wPINMaxExtraDigit
        '03', //                  bConfirmPIN: current PIN entered, new PIN confirmed
        '02', //                  bEntryValidationCondition
        '03', //                  bNumberMessage
        '0904', //                wLangId
        '000102', //              bMsgIndex1..3
        '000000', //              bTeoPrologue
        '15000000', //            ulDataLength LE: 21
        `0024008010${'FF'.repeat(16)}`, // abData (SP 800-73-4 Part 2 §3.2.2)
      ].join(''),
    );
  });

  it('the bridge forwards only a consistent structure carrying a PIN command', () => {
    expect(pinStructureProblem('verify', pinStructure(VERIFY))).toBeNull();
    expect(pinStructureProblem('modify', pinStructure(CHANGE))).toBeNull();
    const putData = pinStructure({ ...VERIFY, apdu: fromHex(`00DB3FFF08${'00'.repeat(8)}`) });
    expect(pinStructureProblem('verify', putData)).toMatch(/not a VERIFY/);
    const short = pinStructure(VERIFY).slice(0, -1);
    expect(pinStructureProblem('verify', short)).toMatch(/ulDataLength/);
    expect(pinStructureProblem('modify', pinStructure(VERIFY))).not.toBeNull();
    expect(pinStructureProblem('verify', new Uint8Array(10))).toMatch(/too short/);
  });

  it('reads the features a reader announces', () => {
    const tlv = fromHex('060442330D4E070442330D4F0A0442330D52');
    expect([...parseFeatures(tlv)]).toEqual([
      [0x06, 0x42330d4e],
      [0x07, 0x42330d4f],
      [0x0a, 0x42330d52],
    ]);
    expect(parseFeatures(fromHex('0604423300'))).toEqual(new Map()); // cut short: nothing trusted
  });
});
