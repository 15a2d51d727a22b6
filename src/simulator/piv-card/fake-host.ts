/**
 * Test helper: a minimal host that drives the virtual card with hand-built APDUs (no src/piv code, so
 * the card's tests stay independent of the host implementation). Node/test use only.
 */
import { concatBytes, fromHex, toHex } from '../../bytes';
import { tlv } from './ber';
import { encryptBlock, decryptBlock } from './mgmt-cipher';
import type { VirtualPivCard } from './virtual-piv-card';

/** A response split into data and status word. */
export interface HostResponse {
  readonly data: Uint8Array<ArrayBuffer>;
  readonly sw: number;
  readonly hex: string;
}

/** Builds a short APDU (Lc/Le as given; `le` undefined → no Le field). */
export function shortApdu(
  cla: number,
  ins: number,
  p1: number,
  p2: number,
  data?: Uint8Array,
  le?: number,
): Uint8Array {
  const head = Uint8Array.of(cla, ins, p1, p2);
  const body = data && data.length ? concatBytes(Uint8Array.of(data.length), data) : new Uint8Array(0);
  return concatBytes(head, body, le === undefined ? new Uint8Array(0) : Uint8Array.of(le & 0xff));
}

/** Sends one APDU and splits the answer. */
export async function send(card: VirtualPivCard, apdu: Uint8Array | string): Promise<HostResponse> {
  const r = await card.handle(typeof apdu === 'string' ? fromHex(apdu) : apdu);
  const data = new Uint8Array(r.subarray(0, -2));
  return { data, sw: (r[r.length - 2]! << 8) | r[r.length - 1]!, hex: toHex(data, { lower: true }) };
}

/** Sends a command with any amount of data: chained 255-byte pieces, then GET RESPONSE until 9000. */
export async function transmit(
  card: VirtualPivCard,
  ins: number,
  p1: number,
  p2: number,
  data = new Uint8Array(0),
): Promise<HostResponse> {
  let r: HostResponse;
  let at = 0;
  do {
    const piece = data.subarray(at, at + 255);
    at += 255;
    r = await send(card, shortApdu(at < data.length ? 0x10 : 0x00, ins, p1, p2, piece, 0));
  } while (at < data.length);
  const parts = [r.data];
  while (r.sw >> 8 === 0x61) {
    r = await send(card, shortApdu(0x00, 0xc0, 0x00, 0x00, undefined, r.sw & 0xff));
    parts.push(r.data);
  }
  const all = concatBytes(...parts);
  return { data: all, sw: r.sw, hex: toHex(all, { lower: true }) };
}

/** SELECT the PIV application. */
export const selectPiv = (card: VirtualPivCard): Promise<HostResponse> => send(card, '00A4040005A000000308');

/** PIN/PUK as the 8-byte FF-padded value. */
export function padPin(pin: string): Uint8Array {
  const out = new Uint8Array(8).fill(0xff);
  out.set(new TextEncoder().encode(pin));
  return out;
}

/** Mutual authentication with the management key (SP 800-73-4 Part 2 Appendix A.1); returns the last SW. */
export async function authenticateManagement(
  card: VirtualPivCard,
  algorithm: number,
  key: Uint8Array,
): Promise<number> {
  const first = await transmit(card, 0x87, algorithm, 0x9b, fromHex('7C028000'));
  if (first.sw !== 0x9000) return first.sw;
  const encrypted = first.data.subarray(4);
  const witness = await decryptBlock(algorithm, key, encrypted);
  const challenge = crypto.getRandomValues(new Uint8Array(witness.length));
  const second = await transmit(
    card,
    0x87,
    algorithm,
    0x9b,
    tlv(0x7c, concatBytes(tlv(0x80, witness), tlv(0x81, challenge))),
  );
  if (second.sw !== 0x9000) return second.sw;
  const expected = await encryptBlock(algorithm, key, challenge);
  return toHex(second.data.subarray(4)) === toHex(expected) ? 0x9000 : 0x6300;
}
