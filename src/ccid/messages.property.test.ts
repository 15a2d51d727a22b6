/**
 * Property tests: the reply parser never throws anything but AppError on arbitrary bytes, and valid
 * replies round-trip through encodeReply/parseReply (CCID rev 1.1 §6.2).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameValue } from '../../test/support/same-value';
import { isAppError } from '../app-error';
import { encodeReply, parseNotification, parseReply, type CcidReply } from './messages-reply';

const byte = fc.integer({ min: 0, max: 255 });
const base = fc.record({
  slot: byte,
  seq: byte,
  iccStatus: fc.constantFrom(0 as const, 1 as const, 2 as const),
  commandStatus: fc.constantFrom(0 as const, 1 as const, 2 as const),
  error: byte,
});
const data = fc.uint8Array({ maxLength: 64 });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** abProtocolDataStructure for T=0 and T=1 (CCID rev 1.1 Tables 6.1-6 and 6.1-7). */
const t0Parameters = fc.record({
  protocol: fc.constant(0 as const),
  findexDindex: byte,
  tcckst: byte,
  guardTime: byte,
  waitingInteger: byte,
  clockStop: byte,
});
const t1Parameters = fc.record({
  protocol: fc.constant(1 as const),
  findexDindex: byte,
  tcckst: byte,
  guardTime: byte,
  waitingIntegers: byte,
  clockStop: byte,
  ifsc: byte,
  nad: byte,
});

const reply: fc.Arbitrary<CcidReply> = fc.oneof(
  fc
    .tuple(base, byte, data)
    .map(([b, chainParameter, d]) => ({ type: 'DataBlock' as const, ...b, chainParameter, data: d })),
  fc.tuple(base, byte).map(([b, clockStatus]) => ({ type: 'SlotStatus' as const, ...b, clockStatus })),
  fc
    .tuple(base, fc.oneof(t0Parameters, t1Parameters))
    .map(([b, parameters]) => ({ type: 'Parameters' as const, ...b, protocol: parameters.protocol, parameters })),
  fc.tuple(base, data).map(([b, d]) => ({ type: 'Escape' as const, ...b, data: d })),
  fc
    .tuple(base, u32, u32)
    .map(([b, clockKhz, dataRate]) => ({ type: 'DataRateAndClockFrequency' as const, ...b, clockKhz, dataRate })),
);

/** Random bytes, biased towards plausible headers so that the deeper checks are reached too. */
const noise = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc
    .tuple(fc.constantFrom(0x80, 0x81, 0x82, 0x83, 0x84, 0x50, 0x51), fc.uint8Array({ maxLength: 30 }))
    .map(([t, rest]) => Uint8Array.of(t, ...rest)),
  fc
    .tuple(
      fc.constantFrom(0x80, 0x81, 0x82, 0x83, 0x84),
      fc.integer({ min: 0, max: 12 }),
      fc.uint8Array({ minLength: 5, maxLength: 5 }),
      fc.uint8Array({ maxLength: 12 }),
    )
    .map(([t, n, mid, rest]) => Uint8Array.of(t, n, 0, 0, 0, ...mid, ...rest)),
);

describe('CCID reply codec properties', () => {
  it('never throws anything but AppError on random bytes (20,000 cases)', () => {
    fc.assert(
      fc.property(noise, (b) => {
        for (const parse of [parseReply, parseNotification]) {
          try {
            parse(b);
          } catch (e) {
            if (!isAppError(e, 'ccid', 'MALFORMED_REPLY')) throw e;
          }
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('round-trips valid replies (20,000 cases)', () => {
    expect(sameValue(Uint8Array.of(1), Uint8Array.of(2))).toBe(false);
    fc.assert(
      fc.property(reply, (r) => {
        const encoded = encodeReply(r);
        return sameValue(parseReply(encoded), r) && sameValue(encodeReply(parseReply(encoded)), encoded);
      }),
      { numRuns: 20_000 },
    );
  });
});
