/**
 * T=0 transport of APDUs (ISO/IEC 7816-3:2006 §12.2; ISO/IEC 7816-4 §5.3 command cases).
 *
 * A T=0 command TPDU is always a 5-byte header CLA INS P1 P2 P3, optionally followed by P3 data bytes:
 *   case 1   CLA INS P1 P2               → TPDU CLA INS P1 P2 00
 *   case 2S  CLA INS P1 P2 Le            → TPDU CLA INS P1 P2 Le         (Le 00 means 256)
 *   case 3S  CLA INS P1 P2 Lc data       → TPDU CLA INS P1 P2 Lc data
 *   case 4S  CLA INS P1 P2 Lc data Le    → TPDU CLA INS P1 P2 Lc data    (card answers 61xx, §12.2.5)
 * The CCID reader runs the procedure bytes (ACK, 60 NULL, 6X/9X) at TPDU level, so `exchange()` returns
 * the response TPDU: data ‖ SW1 SW2.
 *
 * Decision (so each status word is handled exactly once): the host mapping does not issue GET RESPONSE
 * after 61xx, nor re-issue after 6Cxx. Both go up unchanged to `ApduChannel` (src/apdu/channel.ts), which
 * owns 61xx/6Cxx for every transport (the `CardTransport` contract says transports never interpret SWs).
 * Re-issuing a case 2 APDU with Le = xx there maps back here to a TPDU with P3 = xx, as §12.2.3 describes.
 */
import { AppError } from '../app-error';

/** Instruction bytes the T=0 card side itself acts on (ISO/IEC 7816-4 §11.1 GET RESPONSE). */
export const T0_INS = { GET_RESPONSE: 0xc0 } as const;

/** SW1 values the T=0 mapping produces (ISO/IEC 7816-4 §5.6). */
export const T0_SW1 = { BYTES_REMAINING: 0x61, WRONG_LE: 0x6c, WRONG_LENGTH: 0x67 } as const;

/** A command APDU's header, body and case (ISO/IEC 7816-4 §5.1, §5.3). */
export interface ApduShape {
  readonly header: Uint8Array;
  readonly data: Uint8Array;
  /** Ne; undefined when Le is absent. 256 / 65536 when Le is 00 / 0000. */
  readonly ne?: number;
  readonly extended: boolean;
  readonly case: 1 | 2 | 3 | 4;
}

function malformed(length: number, why: string): AppError {
  return new AppError('ccid', 'APDU_MALFORMED', `command APDU of ${length} bytes ${why}`, { length });
}

/** Classifies a command APDU into cases 1–4, short or extended (ISO/IEC 7816-4 §5.1, Table 1 / §5.3). */
export function classifyApdu(apdu: Uint8Array): ApduShape {
  const n = apdu.length;
  if (n < 4) throw malformed(n, 'has no complete header');
  const header = apdu.slice(0, 4);
  if (n === 4) return { header, data: new Uint8Array(0), extended: false, case: 1 };
  const b5 = apdu[4]!;
  if (n === 5) return { header, data: new Uint8Array(0), ne: b5 === 0 ? 256 : b5, extended: false, case: 2 };
  if (b5 !== 0) {
    if (n === 5 + b5) return { header, data: apdu.slice(5), extended: false, case: 3 };
    if (n === 6 + b5) {
      const le = apdu[n - 1]!;
      return { header, data: apdu.slice(5, n - 1), ne: le === 0 ? 256 : le, extended: false, case: 4 };
    }
    throw malformed(n, `does not match Lc = ${b5}`);
  }
  // Extended length: B1 = 00 followed by two bytes (§5.1).
  if (n === 7) {
    const le = (apdu[5]! << 8) | apdu[6]!;
    return { header, data: new Uint8Array(0), ne: le === 0 ? 65536 : le, extended: true, case: 2 };
  }
  if (n < 7) throw malformed(n, 'has a truncated extended length');
  const lc = (apdu[5]! << 8) | apdu[6]!;
  if (lc === 0) throw malformed(n, 'has an extended Lc of 0');
  if (n === 7 + lc) return { header, data: apdu.slice(7), extended: true, case: 3 };
  if (n === 9 + lc) {
    const le = (apdu[n - 2]! << 8) | apdu[n - 1]!;
    return { header, data: apdu.slice(7, 7 + lc), ne: le === 0 ? 65536 : le, extended: true, case: 4 };
  }
  throw malformed(n, `does not match extended Lc = ${lc}`);
}

/** Maps a short APDU onto its T=0 command TPDU (§12.2.2–§12.2.5). */
export function apduToT0Tpdu(apdu: Uint8Array): Uint8Array {
  const shape = classifyApdu(apdu);
  if (shape.extended) {
    throw new AppError('ccid', 'T0_EXTENDED_UNSUPPORTED', 'T=0 carries short APDUs only; use command chaining', {
      length: apdu.length,
    });
  }
  const out = new Uint8Array(5 + shape.data.length);
  out.set(shape.header);
  // P3: 00 for case 1, Le (mod 256) for case 2, Lc for cases 3 and 4.
  out[4] = shape.case === 1 ? 0 : shape.case === 2 ? shape.ne! & 0xff : shape.data.length;
  out.set(shape.data, 5);
  return out;
}

/** Host side of T=0 (the interface device). */
export interface T0Host {
  /** Sends one short command APDU as a TPDU; resolves with data ‖ SW1 SW2 exactly as the card answered. */
  transceive(apdu: Uint8Array): Promise<Uint8Array>;
}

/** Creates the host-side T=0 mapping over a TPDU exchange (a CCID XfrBlock at TPDU level). */
export function createT0Host(exchange: (tpdu: Uint8Array) => Promise<Uint8Array>): T0Host {
  return {
    async transceive(apdu) {
      const response = await exchange(apduToT0Tpdu(apdu));
      if (response.length < 2) {
        throw new AppError(
          'ccid',
          'T0_PROTOCOL',
          `response TPDU has ${response.length} byte(s); SW1 SW2 are mandatory`,
        );
      }
      return response;
    },
  };
}

/** Card side of T=0, for the simulator: turns TPDUs back into APDUs as a T=0 card does. */
export interface T0Card {
  /** Handles one command TPDU; resolves with the response TPDU (data ‖ SW1 SW2). */
  receiveTpdu(tpdu: Uint8Array): Promise<Uint8Array>;
}

function sw(sw1: number, sw2: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = sw1;
  out[data.length + 1] = sw2;
  return out;
}

/**
 * Creates a T=0 card around an APDU handler (§12.2). Case 2 TPDUs whose P3 does not match the data
 * available get 6Cxx (§12.2.3) and more than 256 bytes are served 256 at a time behind 61xx. Case 3/4
 * TPDUs are processed at once and any response data is kept and announced with 61xx (§12.2.5); the
 * handler sees them without Le, because a T=0 card cannot know it. GET RESPONSE (C0) serves kept data in
 * pieces of at most 256 bytes; with nothing kept it goes to the handler (application-level chaining).
 */
export function createT0Card(handleApdu: (apdu: Uint8Array) => Promise<Uint8Array>): T0Card {
  let pending: { data: Uint8Array; sw1: number; sw2: number } | undefined;

  /**
   * Serves `ne` bytes (1..256) of `data`, announcing what remains with 61xx. A case 2 command must ask for
   * exactly what is there (else 6Cxx); GET RESPONSE may take less (`partial`).
   */
  function serve(data: Uint8Array, ne: number, sw1: number, sw2: number, partial = false): Uint8Array {
    if (!partial && ne !== 256 && ne !== data.length && data.length <= 256)
      return sw(T0_SW1.WRONG_LE, data.length & 0xff);
    if (ne > data.length) return sw(T0_SW1.WRONG_LE, data.length & 0xff);
    const rest = data.slice(ne);
    pending = rest.length > 0 ? { data: rest, sw1, sw2 } : undefined;
    if (rest.length > 0) return sw(T0_SW1.BYTES_REMAINING, Math.min(rest.length, 256) & 0xff, data.slice(0, ne));
    return sw(sw1, sw2, data);
  }

  async function run(apdu: Uint8Array): Promise<{ data: Uint8Array; sw1: number; sw2: number }> {
    const r = await handleApdu(apdu);
    if (r.length < 2) throw new AppError('ccid', 'T0_PROTOCOL', 'card application answered without SW1 SW2');
    return { data: r.slice(0, -2), sw1: r[r.length - 2]!, sw2: r[r.length - 1]! };
  }

  return {
    async receiveTpdu(tpdu) {
      if (tpdu.length < 5) return sw(T0_SW1.WRONG_LENGTH, 0x00);
      const p3 = tpdu[4]!;
      if (tpdu.length > 5) {
        if (tpdu.length !== 5 + p3) return sw(T0_SW1.WRONG_LENGTH, 0x00);
        pending = undefined;
        const r = await run(tpdu);
        if (r.data.length === 0) return sw(r.sw1, r.sw2);
        pending = r;
        return sw(T0_SW1.BYTES_REMAINING, Math.min(r.data.length, 256) & 0xff);
      }
      const ne = p3 === 0 ? 256 : p3;
      if (tpdu[1] === T0_INS.GET_RESPONSE && pending) return serve(pending.data, ne, pending.sw1, pending.sw2, true);
      pending = undefined;
      const r = await run(tpdu);
      if (r.data.length === 0) return sw(r.sw1, r.sw2);
      return serve(r.data, ne, r.sw1, r.sw2);
    },
  };
}
