/**
 * T=1 half-duplex block protocol, interface-device side (ISO/IEC 7816-3:2006 §11).
 *
 * - Chaining (§11.6.2): APDUs longer than IFSC go as I-blocks with M = 1, each acknowledged by an
 *   R-block carrying the next N(S); responses longer than IFSD arrive the same way and are acknowledged.
 * - S-blocks from the card (§11.6.2.3): WTX requests are answered and the multiplier applies to the next
 *   exchange only (§11.4.3); IFS requests change IFSC; ABORT requests end the exchange.
 * - Error handling (§11.6.3): an invalid block is answered with an R-block naming the error, a block the
 *   card asks for again is sent again, and after `maxRetries` failed attempts RESYNCH is tried up to
 *   three times (rule 6.4); the APDU then fails with `T1_PROTOCOL` whether RESYNCH worked or not.
 */
import { AppError } from '../app-error';
import type { Edc } from './edc';
import { block, decodeBlock, encodeBlock, T1_MAX_INF, type SBlockType, type T1Block } from './t1-block';

/** Parameters of a T=1 host. */
export interface T1HostParams {
  /** IFSC in effect: the card's information field size (ATR §11.4.2, default 32). */
  readonly ifsc: number;
  /** IFSD in effect: ours, as the card knows it (32 until `negotiateIfsd`). */
  readonly ifsd: number;
  readonly edc: Edc;
  /** NAD to send (§11.3.2.1); 0 when addressing is not used. */
  readonly nad?: number;
  /** Failed attempts on one block before RESYNCH (§11.6.3.2); default 3. */
  readonly maxRetries?: number;
}

/** Sends one block and resolves with the card's next block; `bwtMultiplier` > 1 after a WTX. */
export type ExchangeBlock = (block: Uint8Array, opts: { bwtMultiplier: number }) => Promise<Uint8Array>;

/** The host side of T=1. */
export interface T1Host {
  /** Sends one APDU (any length) and resolves with the complete response APDU. */
  transceive(apdu: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>;
  /** Tells the card our IFSD with S(IFS request) (§11.4.2); resolves once the card echoes it. */
  negotiateIfsd(ifsd: number): Promise<void>;
  /** S(RESYNCH request) (§11.6.3.2 rule 6.4): resets N(S), N(R) and the IFS values on both sides. */
  resynchronise(): Promise<void>;
}

// A card may legitimately ask for many WTX in a row (slow key generation); this only stops a loop.
const MAX_CONSECUTIVE_S_REQUESTS = 1000;

function protocolError(message: string, fields: Record<string, unknown> = {}): AppError {
  return new AppError('ccid', 'T1_PROTOCOL', message, fields);
}

/** Creates the host side of T=1 over a block exchange (a CCID XfrBlock at TPDU level). */
export function createT1Host(params: T1HostParams, exchangeBlock: ExchangeBlock): T1Host {
  return new T1HostSession(params, exchangeBlock);
}

type Received = T1Block | 'edc' | 'format';
type IBlock = T1Block & { kind: 'I' };

/** One T=1 session's state and steps; see the module comment for the rules followed. */
class T1HostSession implements T1Host {
  #ns: 0 | 1 = 0;
  #nr: 0 | 1 = 0;
  #ifsc: number;
  #ifsd: number;
  #wtx = 1;
  readonly #nad: number;
  readonly #maxRetries: number;

  constructor(
    private readonly params: T1HostParams,
    private readonly exchangeBlock: ExchangeBlock,
  ) {
    this.#ifsc = params.ifsc;
    this.#ifsd = params.ifsd;
    this.#nad = params.nad ?? 0;
    this.#maxRetries = params.maxRetries ?? 3;
  }

  async transceive(apdu: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    let reply = await this.#sendCommand(apdu, signal);
    const parts = [reply.inf];
    while (reply.more) {
      this.#nr = this.#nr ? 0 : 1;
      await this.#checkSignal(signal, true);
      const want = this.#nr;
      reply = (await this.#deliver(block.r(want, 'none', this.#nad), (r) => r.kind === 'I' && r.ns === want)) as IBlock;
      parts.push(reply.inf);
    }
    this.#nr = this.#nr ? 0 : 1;
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  }

  async negotiateIfsd(ifsd: number): Promise<void> {
    if (!Number.isInteger(ifsd) || ifsd < 1 || ifsd > T1_MAX_INF) {
      throw protocolError(`IFSD ${ifsd} is outside 1..254 (§11.4.2)`, { ifsd });
    }
    const reply = await this.#sRequest('IFS', Uint8Array.of(ifsd));
    if (reply.kind !== 'S' || reply.inf[0] !== ifsd) throw protocolError('the card did not echo the IFSD');
    this.#ifsd = ifsd;
  }

  async resynchronise(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const reply = await this.#once(block.s('RESYNCH', false, new Uint8Array(0), this.#nad)).catch(
        () => 'format' as const,
      );
      if (typeof reply !== 'string' && reply.kind === 'S' && reply.response && reply.type === 'RESYNCH') {
        [this.#ns, this.#nr, this.#ifsc, this.#ifsd, this.#wtx] = [0, 0, this.params.ifsc, this.params.ifsd, 1];
        return;
      }
    }
    throw protocolError('RESYNCH failed three times; the card must be reset (§11.6.3.2 rule 6.4)');
  }

  /** One block out, one block in; a WTX multiplier applies to this exchange only (§11.4.3). */
  async #once(out: T1Block): Promise<Received> {
    const bwtMultiplier = this.#wtx;
    this.#wtx = 1;
    const raw = await this.exchangeBlock(encodeBlock(out, this.params.edc), { bwtMultiplier });
    return decodeBlock(raw, this.params.edc, this.#ifsd);
  }

  /** The S(response) to a card's S(request), applying WTX or IFS first (§11.6.2.3). */
  #answerRequest(req: T1Block & { kind: 'S' }): T1Block {
    if (req.type === 'WTX') this.#wtx = req.inf[0]!;
    if (req.type === 'IFS') this.#ifsc = req.inf[0]!;
    return block.s(req.type, true, req.inf, this.#nad);
  }

  /**
   * Sends `first` until `accept` takes the reply, handling S-requests and §11.6.3 recovery on the way.
   * Throws `T1_PROTOCOL` after the retry bound (having tried RESYNCH), `T1_ABORTED` on a card ABORT.
   */
  async #deliver(first: T1Block, accept: (r: T1Block) => boolean): Promise<T1Block> {
    let out = first;
    let failures = 0;
    let sRequests = 0;
    for (;;) {
      const reply = await this.#once(out);
      if (
        typeof reply !== 'string' &&
        reply.kind === 'S' &&
        !reply.response &&
        sRequests++ < MAX_CONSECUTIVE_S_REQUESTS
      ) {
        out = this.#answerRequest(reply);
        if (reply.type === 'ABORT') {
          await this.#once(out).catch(() => undefined);
          throw new AppError('ccid', 'T1_ABORTED', 'the card aborted the chain (S(ABORT request), §11.6.2.3)');
        }
        continue;
      }
      if (typeof reply !== 'string' && accept(reply)) return reply;
      if (++failures > this.#maxRetries) {
        await this.resynchronise().catch(() => undefined);
        throw protocolError(`no valid reply after ${this.#maxRetries} retries; RESYNCH attempted`, {
          retries: this.#maxRetries,
        });
      }
      out = this.#recovery(first, reply);
    }
  }

  /** The block to send after a failed attempt at `first` (§11.6.3.2 rules 5–7). */
  #recovery(first: T1Block, reply: Received): T1Block {
    // The card says it did not receive our I-block: send it again.
    if (typeof reply !== 'string' && reply.kind === 'R' && first.kind === 'I' && reply.nr === first.ns) return first;
    // An R-block or S-request of ours went astray: send it again.
    if (first.kind !== 'I') return first;
    // Anything else after an I-block: ask the card for its last block again, naming the error.
    return block.r(this.#nr, reply === 'edc' ? 'edc' : 'other', this.#nad);
  }

  #sRequest(type: SBlockType, inf: Uint8Array): Promise<T1Block> {
    return this.#deliver(block.s(type, false, inf, this.#nad), (r) => r.kind === 'S' && r.response && r.type === type);
  }

  async #checkSignal(signal: AbortSignal | undefined, chainStarted: boolean): Promise<void> {
    if (!signal?.aborted) return;
    const aborted = new AppError('ccid', 'ABORTED', 'the exchange was cancelled', {}, { cause: signal.reason });
    // Mid-chain, both sides must drop the chain (§11.6.2.3) before the next APDU can start.
    if (chainStarted) await this.#sRequest('ABORT', new Uint8Array(0)).catch(() => undefined);
    throw aborted;
  }

  /** Sends the command chain; resolves with the card's first response I-block. */
  async #sendCommand(apdu: Uint8Array, signal?: AbortSignal): Promise<IBlock> {
    let offset = 0;
    for (;;) {
      await this.#checkSignal(signal, offset > 0);
      const size = Math.min(this.#ifsc, apdu.length - offset);
      const more = offset + size < apdu.length;
      const ns = this.#ns;
      // Toggled now: if the card aborts in reply, it has received this block (§11.6.2.3).
      this.#ns = ns ? 0 : 1;
      const reply = await this.#deliver(block.i(ns, more, apdu.slice(offset, offset + size), this.#nad), (r) =>
        // An R-block with N(R) ≠ our N(S) acknowledges the chained block (§11.6.2.2).
        more ? r.kind === 'R' && r.nr !== ns : r.kind === 'I' && r.ns === this.#nr,
      );
      offset += size;
      if (!more) return reply as IBlock;
    }
  }
}
