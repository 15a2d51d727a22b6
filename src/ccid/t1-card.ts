/**
 * T=1 block protocol, card side (ISO/IEC 7816-3:2006 §11), for the simulator and for tests.
 *
 * It reassembles chained command I-blocks (acknowledging each with R(N(R)), §11.6.2.2), hands the APDU
 * to the application, and returns the response chained at IFSD. Hooks make it misbehave the way real
 * cards do: S(WTX) or S(IFS) requests before a response (§11.6.2.3), an S(ABORT) instead of a response,
 * and corrupted EDC on outgoing blocks (to drive the host's §11.6.3 recovery).
 */
import { AppError } from '../app-error';
import type { Edc } from './edc';
import { block, decodeBlock, encodeBlock, T1_MAX_INF, type T1Block, type T1Fault } from './t1-block';

/** Parameters of a simulated T=1 card. */

/** How many received blocks the card keeps for tests; bounded so a long demo session does not grow. */
const RECEIVED_LOG_LIMIT = 256;
export interface T1CardParams {
  /** IFSC: the largest INF the card accepts (it announced this in its ATR, §11.4.2). */
  readonly ifsc: number;
  /** IFSD in effect at start (32 until the host sends S(IFS request)). */
  readonly ifsd: number;
  readonly edc: Edc;
}

/** The card side of T=1. */
export interface T1Card {
  /** Handles one block from the interface device; resolves with the card's reply block. */
  receiveBlock(raw: Uint8Array): Promise<Uint8Array>;
  /** Before the next response, send S(WTX request) with this multiplier (§11.4.3), `times` times. */
  wtxBeforeNextResponse(multiplier: number, times?: number): void;
  /** Before the next response, ask the host for a new IFSC with S(IFS request) (§11.4.2). */
  ifsRequestBeforeNextResponse(ifsc: number): void;
  /** Send S(ABORT request) instead of the next response (§11.6.2.3). */
  abortNextResponse(): void;
  /** Corrupt the EDC of the next `n` blocks the card sends. */
  corruptNextBlocks(n: number): void;
  /** The most recent blocks received (at most RECEIVED_LOG_LIMIT), decoded or the fault found, oldest first. */
  readonly received: readonly (T1Block | T1Fault)[];
}

/** Creates a T=1 card around an APDU handler. */
export function createT1Card(params: T1CardParams, handleApdu: (apdu: Uint8Array) => Promise<Uint8Array>): T1Card {
  const st = {
    nr: 0 as 0 | 1,
    ns: 0 as 0 | 1,
    ifsc: params.ifsc,
    ifsd: params.ifsd,
    rx: [] as Uint8Array[],
    tx: undefined as Uint8Array | undefined,
    lastI: undefined as (T1Block & { kind: 'I' }) | undefined,
    lastSent: undefined as T1Block | undefined,
    /** S-requests being sent before the current response; `queuedS` waits for the next response. */
    pendingS: [] as T1Block[],
    queuedS: [] as T1Block[],
    abort: false,
    corrupt: 0,
  };
  const received: (T1Block | T1Fault)[] = [];

  function send(b: T1Block, remember = true): Uint8Array {
    if (remember) st.lastSent = b;
    const raw = encodeBlock(b, params.edc);
    if (st.corrupt > 0) {
      st.corrupt--;
      raw[raw.length - 1]! ^= 0x5a;
    }
    return raw;
  }

  /** Sends the next piece of the response (or a pending S-request first). */
  function nextChunk(): Uint8Array {
    if (st.pendingS.length > 0) return send(st.pendingS[0]!);
    const tx = st.tx ?? new Uint8Array(0);
    const piece = tx.slice(0, st.ifsd);
    st.tx = tx.length > st.ifsd ? tx.slice(st.ifsd) : undefined;
    const i = block.i(st.ns, st.tx !== undefined, piece) as T1Block & { kind: 'I' };
    st.ns = st.ns ? 0 : 1;
    st.lastI = i;
    return send(i);
  }

  function resend(): Uint8Array {
    return send(st.lastSent ?? block.r(st.nr), st.lastSent !== undefined);
  }

  async function onI(b: T1Block & { kind: 'I' }): Promise<Uint8Array> {
    if (st.tx !== undefined || st.pendingS.length > 0) return send(block.r(st.nr, 'other'), false);
    if (b.ns !== st.nr) return resend(); // a block we already have: our reply was lost
    st.nr = st.nr ? 0 : 1;
    st.rx.push(b.inf);
    if (b.more) return send(block.r(st.nr));
    const apdu = new Uint8Array(st.rx.reduce((n, p) => n + p.length, 0));
    st.rx.reduce((at, p) => (apdu.set(p, at), at + p.length), 0);
    st.rx = [];
    st.tx = await handleApdu(apdu);
    st.pendingS = st.queuedS.splice(0);
    if (st.abort) {
      st.abort = false;
      st.tx = undefined;
      return send(block.s('ABORT', false));
    }
    return nextChunk();
  }

  function onS(b: T1Block & { kind: 'S' }): Uint8Array {
    if (!b.response) {
      if (b.type === 'IFS') st.ifsd = b.inf[0]!;
      if (b.type === 'RESYNCH')
        Object.assign(st, {
          nr: 0,
          ns: 0,
          ifsc: params.ifsc,
          ifsd: params.ifsd,
          rx: [],
          tx: undefined,
          lastI: undefined,
          pendingS: [],
        });
      if (b.type === 'ABORT') Object.assign(st, { rx: [], tx: undefined, pendingS: [] });
      if (b.type === 'WTX') return send(block.r(st.nr, 'other'), false); // only a card sends WTX requests
      return send(block.s(b.type, true, b.inf));
    }
    const asked = st.lastSent;
    if (
      asked?.kind !== 'S' ||
      asked.response ||
      asked.type !== b.type ||
      (b.type !== 'ABORT' && b.inf[0] !== asked.inf[0])
    ) {
      return send(block.r(st.nr, 'other'), false);
    }
    if (b.type === 'ABORT') return send(block.r(st.nr)); // chain dropped; ready for the next command
    if (b.type === 'IFS') st.ifsc = b.inf[0]!;
    st.pendingS.shift();
    return nextChunk();
  }

  return {
    received,
    async receiveBlock(raw) {
      const b = decodeBlock(raw, params.edc, st.ifsc);
      received.push(b);
      if (received.length > RECEIVED_LOG_LIMIT) received.splice(0, received.length - RECEIVED_LOG_LIMIT);
      if (typeof b === 'string') return send(block.r(st.nr, b === 'edc' ? 'edc' : 'other'), false);
      if (b.kind === 'I') return onI(b);
      if (b.kind === 'S') return onS(b);
      // R-block: N(R) ≠ N(S) of our last chained I-block acknowledges it (§11.6.2.2); else resend.
      if (st.tx !== undefined && st.pendingS.length === 0 && st.lastI && b.nr !== st.lastI.ns) return nextChunk();
      return resend();
    },
    wtxBeforeNextResponse(multiplier, times = 1) {
      for (let i = 0; i < times; i++) st.queuedS.push(block.s('WTX', false, Uint8Array.of(multiplier)));
    },
    ifsRequestBeforeNextResponse(ifsc) {
      if (ifsc < 1 || ifsc > T1_MAX_INF) throw new AppError('ccid', 'T1_PROTOCOL', `IFSC ${ifsc} is outside 1..254`);
      st.queuedS.push(block.s('IFS', false, Uint8Array.of(ifsc)));
    },
    abortNextResponse() {
      st.abort = true;
    },
    corruptNextBlocks(n) {
      st.corrupt += n;
    },
  };
}
