/**
 * Codec fixtures: each CCID rev 1.1 message as hex, header fields commented
 * (type | dwLength LE | bSlot | bSeq | three message-specific bytes | abData).
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import * as m from './messages';
import { encodeReply, parseNotification, parseReply } from './messages-reply';
import { replyError } from './reader-errors';

const a = { slot: 1, seq: 0x2a };

describe('PC_to_RDR builders (CCID rev 1.1 §6.1)', () => {
  it.each([
    // §6.1.1 IccPowerOn: [7] bPowerSelect 02 = 3.0 V
    ['IccPowerOn', m.iccPowerOn(a, m.POWER_SELECT.V3_0), '62 00 00 00 00 01 2a 02 00 00'],
    // §6.1.2 IccPowerOff
    ['IccPowerOff', m.iccPowerOff(a), '63 00 00 00 00 01 2a 00 00 00'],
    // §6.1.3 GetSlotStatus
    ['GetSlotStatus', m.getSlotStatus(a), '65 00 00 00 00 01 2a 00 00 00'],
    // §6.1.4 XfrBlock: [7] bBWI 03, [8..9] wLevelParameter 0x0001 (begins, continues), abData 00 a4 04 00
    [
      'XfrBlock',
      m.xfrBlock(a, fromHex('00 a4 04 00'), m.LEVEL_PARAMETER.BEGIN, 3),
      '6f 04 00 00 00 01 2a 03 01 00 00 a4 04 00',
    ],
    // §6.1.4 XfrBlock asking for the rest of a response: wLevelParameter 0x0010, no data
    [
      'XfrBlock 0x10',
      m.xfrBlock(a, new Uint8Array(0), m.LEVEL_PARAMETER.CONTINUE_RESPONSE),
      '6f 00 00 00 00 01 2a 00 10 00',
    ],
    // §6.1.5 GetParameters
    ['GetParameters', m.getParameters(a), '6c 00 00 00 00 01 2a 00 00 00'],
    // §6.1.6 ResetParameters
    ['ResetParameters', m.resetParameters(a), '6d 00 00 00 00 01 2a 00 00 00'],
    // §6.1.7 SetParameters T=0: [7] bProtocolNum 0; Fi/Di 13, TCCKS 00, guard 00, WI 0a, clock stop 00
    [
      'SetParameters T=0',
      m.setParameters(a, {
        protocol: 0,
        findexDindex: 0x13,
        tcckst: 0,
        guardTime: 0,
        waitingInteger: 0x0a,
        clockStop: 0,
      }),
      '61 05 00 00 00 01 2a 00 00 00 13 00 00 0a 00',
    ],
    // §6.1.7 SetParameters T=1: Fi/Di 96, TCCKS 11 (CRC), guard ff, BWI 4 CWI 5, clock stop 03, IFSC fe, NAD 00
    [
      'SetParameters T=1',
      m.setParameters(a, {
        protocol: 1,
        findexDindex: 0x96,
        tcckst: 0x11,
        guardTime: 0xff,
        waitingIntegers: 0x45,
        clockStop: 3,
        ifsc: 0xfe,
        nad: 0,
      }),
      '61 07 00 00 00 01 2a 01 00 00 96 11 ff 45 03 fe 00',
    ],
    // §6.1.8 Escape: vendor bytes
    ['Escape', m.escape(a, fromHex('de ad')), '6b 02 00 00 00 01 2a 00 00 00 de ad'],
    // §6.1.9 IccClock: [7] bClockCommand 01 = stop
    ['IccClock', m.iccClock(a, true), '6e 00 00 00 00 01 2a 01 00 00'],
    // §6.1.10 T0APDU: [7] bmChanges 03, [8] bClassGetResponse 00, [9] bClassEnvelope ff
    ['T0APDU', m.t0Apdu(a, 3, 0x00, 0xff), '6a 00 00 00 00 01 2a 03 00 ff'],
    // §6.1.11 Secure: [7] bBWI 00, [8..9] wLevelParameter 0, abData = bPINOperation 00 (verify) ‖ structure
    ['Secure', m.secure(a, 0, fromHex('1e 02')), '69 03 00 00 00 01 2a 00 00 00 00 1e 02'],
    // §6.1.12 Mechanical: [7] bFunction 02 = eject
    ['Mechanical', m.mechanical(a, 2), '71 00 00 00 00 01 2a 02 00 00'],
    // §6.1.13 Abort
    ['Abort', m.abort(a), '72 00 00 00 00 01 2a 00 00 00'],
    // §6.1.14 SetDataRateAndClockFrequency: dwClockFrequency 4000 kHz (a0 0f), dwDataRate 10752 bps (00 2a)
    [
      'SetDataRateAndClockFrequency',
      m.setDataRateAndClockFrequency(a, 4000, 10752),
      '73 08 00 00 00 01 2a 00 00 00 a0 0f 00 00 00 2a 00 00',
    ],
  ])('%s', (_name, built, expected) => {
    expect(toHex(built, { lower: true, separator: ' ' })).toBe(expected);
  });

  it('wraps bSeq to one byte and writes dwLength little-endian for a 300-byte block', () => {
    const built = m.xfrBlock({ slot: 0, seq: 0x1ff }, new Uint8Array(300));
    expect(toHex(built.subarray(0, 10), { lower: true, separator: ' ' })).toBe('6f 2c 01 00 00 00 ff 00 00 00');
  });
});

describe('RDR_to_PC parsers (CCID rev 1.1 §6.2)', () => {
  it('DataBlock §6.2.1: bStatus 00 (active, processed), bError 00, bChainParameter 01, two data bytes', () => {
    const r = parseReply(fromHex('80 02 00 00 00 00 07 00 00 01 90 00'));
    expect(r).toEqual({
      type: 'DataBlock',
      slot: 0,
      seq: 7,
      iccStatus: 0,
      commandStatus: 0,
      error: 0,
      chainParameter: 1,
      data: fromHex('90 00'),
    });
  });

  it('SlotStatus §6.2.2: bStatus 02 (no ICC), bClockStatus 00', () => {
    expect(parseReply(fromHex('81 00 00 00 00 00 08 02 00 00'))).toMatchObject({
      type: 'SlotStatus',
      iccStatus: 2,
      commandStatus: 0,
      clockStatus: 0,
    });
  });

  it('Parameters §6.2.3 for T=1, and a failed one without data', () => {
    expect(parseReply(fromHex('82 07 00 00 00 00 09 00 00 01 11 10 00 45 00 fe 00'))).toMatchObject({
      type: 'Parameters',
      protocol: 1,
      parameters: { protocol: 1, findexDindex: 0x11, tcckst: 0x10, waitingIntegers: 0x45, ifsc: 0xfe, nad: 0 },
    });
    expect(parseReply(fromHex('82 00 00 00 00 00 09 40 07 01'))).toMatchObject({
      type: 'Parameters',
      commandStatus: 1,
      error: 7,
      parameters: null,
    });
  });

  it('Escape §6.2.4 and DataRateAndClockFrequency §6.2.5', () => {
    expect(parseReply(fromHex('83 01 00 00 00 00 0a 00 00 00 55'))).toMatchObject({
      type: 'Escape',
      data: fromHex('55'),
    });
    expect(parseReply(fromHex('84 08 00 00 00 00 0b 00 00 00 a0 0f 00 00 00 2a 00 00'))).toMatchObject({
      type: 'DataRateAndClockFrequency',
      clockKhz: 4000,
      dataRate: 10752,
    });
  });

  it('time extension §6.2.6: bmCommandStatus 2 with the BWT multiplier in bError', () => {
    expect(parseReply(fromHex('80 00 00 00 00 00 0c 80 05 00'))).toMatchObject({ commandStatus: 2, error: 5 });
  });

  it.each([
    ['shorter than a header', '80 00 00'],
    ['dwLength larger than the data', '80 05 00 00 00 00 00 00 00 00 90 00'],
    ['dwLength smaller than the data', '80 00 00 00 00 00 00 00 00 00 90'],
    ['a reserved bmCommandStatus', '81 00 00 00 00 00 00 c0 00 00'],
    ['a reserved bmICCStatus', '81 00 00 00 00 00 00 03 00 00'],
    ['SlotStatus with data', '81 01 00 00 00 00 00 00 00 00 01'],
    ['Parameters whose structure does not fit the protocol', '82 05 00 00 00 00 00 00 00 01 11 10 00 45 00'],
    ['an unknown message type', '6f 00 00 00 00 00 00 00 00 00'],
  ])('refuses %s with MALFORMED_REPLY', (_why, h) => {
    expect(() => parseReply(fromHex(h))).toThrow(
      expect.objectContaining({ name: 'AppError', layer: 'ccid', code: 'MALFORMED_REPLY' }),
    );
  });

  it('encodeReply is the inverse of parseReply', () => {
    const h = '80 03 00 00 00 02 33 41 fe 00 01 02 03';
    expect(toHex(encodeReply(parseReply(fromHex(h))), { lower: true, separator: ' ' })).toBe(h);
  });
});

describe('failed replies to typed errors (§6.2.6 Table 6.2-2)', () => {
  it.each([
    // bStatus 0x42: failed, no ICC → NO_CARD whatever bError says
    ['80 00 00 00 00 00 01 42 fe 00', 'NO_CARD'],
    // bStatus 0x41: failed, ICC present but inactive, ICC_MUTE → CARD_INACTIVE
    ['80 00 00 00 00 00 01 41 fe 00', 'CARD_INACTIVE'],
    ['80 00 00 00 00 00 01 40 fe 00', 'ICC_MUTE'],
    ['80 00 00 00 00 00 01 40 fd 00', 'XFR_PARITY_ERROR'],
    ['80 00 00 00 00 00 01 40 e0 00', 'CMD_SLOT_BUSY'],
    ['80 00 00 00 00 00 01 40 f2 00', 'BUSY_WITH_AUTO_SEQUENCE'],
    ['80 00 00 00 00 00 01 40 ff 00', 'CMD_ABORTED'],
    ['80 00 00 00 00 00 01 40 00 00', 'CMD_NOT_SUPPORTED'],
    ['80 00 00 00 00 00 01 40 07 00', 'BAD_PARAMETER'],
    ['80 00 00 00 00 00 01 40 c0 00', 'VENDOR_ERROR'],
  ])('%s → %s', (h, code) => {
    expect(replyError(parseReply(fromHex(h)), 'XfrBlock')).toMatchObject({ layer: 'ccid', code });
  });

  it('a mute card after IccPowerOn stays ICC_MUTE (the caller tries the next voltage)', () => {
    expect(replyError(parseReply(fromHex('80 00 00 00 00 00 01 41 fe 00')), 'IccPowerOn')).toMatchObject({
      code: 'ICC_MUTE',
    });
  });

  it('no error for a processed or time-extension reply', () => {
    expect(replyError(parseReply(fromHex('80 00 00 00 00 00 01 00 00 00')), 'XfrBlock')).toBeNull();
    expect(replyError(parseReply(fromHex('80 00 00 00 00 00 01 80 01 00')), 'XfrBlock')).toBeNull();
  });
});

describe('interrupt messages (§6.3)', () => {
  it('NotifySlotChange: slot 0 present and changed, slot 1 absent, slot 4 changed to absent', () => {
    // bmSlotICCState: byte 1 = slot3..slot0 pairs 00 00 00 11, byte 2 = slot 4 pair 10
    const n = parseNotification(fromHex('50 03 02'));
    expect(n.type).toBe('NotifySlotChange');
    if (n.type !== 'NotifySlotChange') return;
    expect(n.slots[0]).toEqual({ present: true, changed: true });
    expect(n.slots[1]).toEqual({ present: false, changed: false });
    expect(n.slots[4]).toEqual({ present: false, changed: true });
  });

  it('HardwareError: bSlot, bSeq, bHardwareErrorCode 01 (overcurrent)', () => {
    expect(parseNotification(fromHex('51 00 05 01'))).toEqual({ type: 'HardwareError', slot: 0, seq: 5, code: 1 });
    expect(() => parseNotification(fromHex('51 00'))).toThrow(expect.objectContaining({ code: 'MALFORMED_REPLY' }));
  });
});
