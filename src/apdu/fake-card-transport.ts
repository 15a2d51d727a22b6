/**
 * A fake `CardTransport` for apdu/ tests: the boundary below the layer under test. It holds a tiny card
 * that understands command chaining (CLA b5, ISO/IEC 7816-4 §5.4.2), answers 61xx with GET RESPONSE
 * (§5.6) and 6Cxx for a wrong Le, and records every APDU it receives.
 *
 * Instructions of the tiny card:
 *   D1  STORE: keeps the (chained) data; 9000
 *   CA  READ: answers P1P2 bytes of (i & FF), at most 256 (short) or Ne (extended) per response, 61xx for more
 *   B0  READ EXACT: like CA, but Le must equal the length, else 6Cxx (how T=0 cards answer a wrong P3)
 *   20  VERIFY: "123456" → 9000, anything else → 63C2
 *   EE  61 00, and 61 00 to every GET RESPONSE after it (a card that never finishes)
 *   EF  always 6C 10 (a card that never accepts Le)
 */
import type { CardTransport, TransportCapabilities } from '../transport/card-transport';
import { decodeCommand } from './command';

/** The fake transport plus what the tiny card saw. */
export interface FakeCardTransport extends CardTransport {
  readonly received: Uint8Array[];
  /** The last data stored with D1 (after chaining). */
  readonly stored: Uint8Array;
}

const reply = (data: Uint8Array, sw: number) => Uint8Array.from([...data, sw >> 8, sw & 0xff]);
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

/** The tiny card application alone: command APDU in, response APDU out. */
export interface TinyCard {
  handle(apdu: Uint8Array): Uint8Array;
  /** The last data stored with D1 (after chaining). */
  readonly stored: Uint8Array;
}

/** Creates the tiny card described in the module comment. */
export function createTinyCard(): TinyCard {
  let chain: number[] = [];
  let pending = new Uint8Array(0);
  let endless = false;

  /** Sends up to `max` bytes of `data`, keeping the rest for GET RESPONSE. */
  function serve(data: Uint8Array, max: number): Uint8Array {
    pending = data.slice(max);
    if (pending.length === 0) return reply(data, 0x9000);
    return reply(data.slice(0, max), 0x6100 | (Math.min(pending.length, 256) & 0xff));
  }

  function handle(apdu: Uint8Array): Uint8Array {
    const c = decodeCommand(apdu);
    if (c.cla & 0x10) {
      chain.push(...c.data);
      return reply(new Uint8Array(0), 0x9000);
    }
    const data = Uint8Array.from([...chain, ...c.data]);
    chain = [];
    const n = (c.p1 << 8) | c.p2;
    const perResponse = Math.min(c.le ?? 0, c.extended ? 65536 : 256);
    switch (c.ins) {
      case 0xd1:
        card.stored = data;
        return reply(new Uint8Array(0), 0x9000);
      case 0xca:
        return serve(pattern(n), perResponse);
      case 0xb0:
        return c.le === n ? serve(pattern(n), perResponse) : reply(new Uint8Array(0), 0x6c00 | (n & 0xff));
      case 0xc0:
        return endless ? reply(pattern(1), 0x6100) : serve(pending, perResponse);
      case 0x20:
        return reply(new Uint8Array(0), new TextDecoder().decode(data) === '123456' ? 0x9000 : 0x63c2);
      case 0xee:
        endless = true;
        return reply(pattern(1), 0x6100);
      case 0xef:
        return reply(new Uint8Array(0), 0x6c10);
      default:
        return reply(new Uint8Array(0), 0x6d00);
    }
  }

  const card = { handle, stored: new Uint8Array(0) };
  return card;
}

/** Creates the fake transport with the given capabilities, around a fresh tiny card. */
export function createFakeCardTransport(caps: Partial<TransportCapabilities> = {}): FakeCardTransport {
  const capabilities: TransportCapabilities = {
    extendedApdu: caps.extendedApdu ?? false,
    maxCommandLength: caps.maxCommandLength ?? (caps.extendedApdu ? 65544 : 261),
    maxResponseLength: caps.maxResponseLength ?? (caps.extendedApdu ? 65538 : 258),
  };
  const card = createTinyCard();
  const fake: FakeCardTransport = {
    kind: 'simulator',
    readerName: 'Fake reader (apdu tests)',
    atr: Uint8Array.of(0x3b, 0x00),
    capabilities,
    received: [],
    get stored() {
      return card.stored;
    },
    async transmit(command) {
      if (command.length > capabilities.maxCommandLength)
        throw new Error(`fake transport: ${command.length}-byte APDU exceeds maxCommandLength`);
      fake.received.push(command);
      return card.handle(command);
    },
    async close() {},
  };
  return fake;
}
