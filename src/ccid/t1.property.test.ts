/**
 * Property: T=1 host ↔ card (ISO/IEC 7816-3:2006 §11) over random APDUs, IFSC, IFSD, EDC, WTX and
 * injected single-byte corruption in either direction. Every exchange either delivers exactly the
 * response to exactly one execution of exactly the APDU sent, or fails with T1_PROTOCOL; it never hangs
 * or throws anything else, and RESYNCH always brings the pair back.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '../app-error';
import { createT1Card } from './t1-card';
import { createT1Host } from './t1-host';

const respond = (apdu: Uint8Array) => {
  // The response: P1P2 bytes derived from the command, so a mix-up between commands would show.
  const n = (apdu[2]! << 8) | apdu[3]!;
  return Uint8Array.from({ length: n + 2 }, (_, i) => (i < n ? (i + apdu.length) & 0xff : i === n ? 0x90 : 0x00));
};

/** Byte equality without the deep-equal machinery (it dominates run time on thousands of runs). */
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

const corruption = fc.array(
  fc.record({
    dir: fc.constantFrom('none', 'none', 'toCard', 'toHost'),
    at: fc.nat(),
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  { maxLength: 30 },
);

const scenario = fc.record({
  body: fc.uint8Array({ maxLength: 300 }),
  n: fc.nat(300),
  ifsc: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 254 }), fc.integer({ min: 9, max: 254 })),
  ifsd: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 254 }), fc.integer({ min: 9, max: 254 })),
  edc: fc.constantFrom('lrc' as const, 'crc' as const),
  wtx: fc.option(fc.integer({ min: 1, max: 255 })),
  faults: corruption,
});

describe('T=1 under random corruption', () => {
  it('delivers exactly or fails with T1_PROTOCOL, and RESYNCH recovers', async () => {
    let delivered = 0;
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ body, n, ifsc, ifsd, edc, wtx, faults }) => {
        const seen: Uint8Array[] = [];
        const card = createT1Card({ ifsc, ifsd: 32, edc }, async (apdu) => (seen.push(apdu), respond(apdu)));
        const queue = [...faults];
        let exchanges = 0;
        const host = createT1Host({ ifsc, ifsd: 32, edc }, async (b) => {
          if (++exchanges > 5000) throw new Error('runaway exchange loop');
          const f = queue.shift();
          const flip = (x: Uint8Array) => ((x[f!.at % x.length]! ^= f!.mask), x);
          const toCard = f?.dir === 'toCard' ? flip(b.slice()) : b;
          const reply = await card.receiveBlock(toCard);
          return f?.dir === 'toHost' ? flip(reply.slice()) : reply;
        });
        const apdu = Uint8Array.from([0x80, 0x10, n >> 8, n & 0xff, ...body]);
        if (wtx !== null) card.wtxBeforeNextResponse(wtx);
        try {
          await host.negotiateIfsd(ifsd);
          const res = await host.transceive(apdu);
          expect(same(res, respond(apdu))).toBe(true);
          expect(seen.length === 1 && same(seen[0]!, apdu)).toBe(true);
          delivered++;
        } catch (e) {
          if (!isAppError(e, 'ccid', 'T1_PROTOCOL')) throw e;
          expect(seen.length).toBeLessThanOrEqual(1);
          failed++;
        }
        queue.length = 0;
        await host.resynchronise();
        seen.length = 0;
        expect(same(await host.transceive(apdu), respond(apdu))).toBe(true);
        expect(seen.length === 1 && same(seen[0]!, apdu)).toBe(true);
      }),
      { numRuns: 4_000 },
    );
    console.info(`T=1 property: ${delivered} delivered, ${failed} failed with T1_PROTOCOL`);
    expect(delivered).toBeGreaterThan(failed);
  });
});
