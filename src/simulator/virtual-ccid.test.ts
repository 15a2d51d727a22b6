/**
 * Cross-check of the two independent CCID framings: the driver's codec (src/ccid/messages*.ts) and the
 * virtual reader's own (virtual-ccid.ts) must agree on every field (CCID rev 1.1 §6.1, §6.2).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as m from '../ccid/messages';
import { parseNotification, parseReply } from '../ccid/messages-reply';
import { sameValue } from '../../test/support/same-value';
import { frame, notifySlotChange, readCommand, statusByte } from './virtual-ccid';

const byte = fc.integer({ min: 0, max: 255 });

describe('driver codec ↔ virtual reader framing', () => {
  it('commands built by the driver are read back field for field by the simulator (20,000 cases)', () => {
    fc.assert(
      fc.property(
        byte,
        byte,
        fc.uint8Array({ maxLength: 80 }),
        fc.integer({ min: 0, max: 0xffff }),
        byte,
        (slot, seq, data, level, bwi) => {
          const c = readCommand(m.xfrBlock({ slot, seq }, data, level, bwi));
          return sameValue(c, { type: m.PC_TO_RDR.XFR_BLOCK, slot, seq, p: [bwi, level & 0xff, level >> 8], data });
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('replies framed by the simulator are parsed field for field by the driver (20,000 cases)', () => {
    fc.assert(
      fc.property(
        byte,
        byte,
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        byte,
        byte,
        fc.uint8Array({ maxLength: 80 }),
        (slot, seq, icc, cmd, error, chain, data) => {
          const r = parseReply(frame(0x80, slot, seq, statusByte(icc, cmd), error, chain, data));
          const fields = { slot, seq, iccStatus: icc, commandStatus: cmd, error, chainParameter: chain, data };
          return sameValue(r, { type: 'DataBlock', ...fields });
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('NotifySlotChange for up to 8 slots', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ present: fc.boolean(), changed: fc.boolean() }), { minLength: 1, maxLength: 8 }),
        (slots) => {
          const n = parseNotification(notifySlotChange(slots));
          expect(n.type === 'NotifySlotChange' && n.slots.slice(0, slots.length)).toEqual(slots);
        },
      ),
      { numRuns: 500 },
    );
  });
});
