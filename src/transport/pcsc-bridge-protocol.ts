import { fromHex, isHex } from '../bytes';

/**
 * The wire protocol between the page (src/transport/pcsc-bridge.ts) and the local PC/SC bridge
 * (bridge/). Pure: shared by both sides so they cannot drift apart.
 *
 * Version 2, JSON text frames over a loopback WebSocket. Bytes travel as upper-case hex strings.
 * - page → bridge, a request:  `{ "v": 2, "id": 7, "op": "transmit", "handle": 1, "apdu": "00A40400…" }`
 * - bridge → page, its reply:  `{ "v": 2, "id": 7, "ok": true, "result": { "response": "…9000" } }`
 *                           or `{ "v": 2, "id": 7, "ok": false, "error": { "code": "CARD_REMOVED", "message": "…" } }`
 * - bridge → page, an event:   `{ "v": 2, "event": "hello", "version": 2, "nonce": "…" }` (first frame),
 *                              `{ "v": 2, "event": "readers", "readers": [{ "name", "present", "atr"? }] }`.
 *
 * Trust (pcsc-bridge-handshake.ts): a paired page sends `auth` (its nonce and HMAC proof under the pairing
 * key) and checks the bridge's proof before anything else; an unpaired page asks for a code (`offer`) and
 * runs CPace (`pair`, then `pair-confirm`). Until one of those succeeds the bridge answers every other
 * request `NOT_PAIRED`, and sends no reader events.
 */

/** The protocol version this build speaks. */
export const BRIDGE_PROTOCOL_VERSION = 2;

/**
 * The one reader control the bridge forwards: CCID GET_FEATURE_REQUEST, the function number of
 * SCARD_CTL_CODE(3400) (PC/SC Part 10 §2.2), which PIN-pad readers answer with their features as TLVs.
 */
export const CONTROL_GET_FEATURE_REQUEST = 3400;
/** The most bytes a GET_FEATURE_REQUEST answer may have: 6-byte TLVs (Part 10 §2.2), fewer than 20 features. */
export const CONTROL_MAX_RESPONSE_BYTES = 256;

/**
 * The one answer a PIN entry on the reader's keypad may give: a status word. VERIFY and CHANGE REFERENCE
 * DATA return no data (SP 800-73-4 Part 2 §3.2.1, §3.2.2), and the driver's own timeout / cancel answers
 * (6400, 6401, 6402) are status words too (PC/SC Part 10 v2.02.09 §2.3).
 */
export const PIN_PAD_ANSWER_BYTES = 2;

/** The bridge's default loopback port (unassigned by IANA; "KW" on a phone keypad is 59). */
export const BRIDGE_DEFAULT_PORT = 35990;

/** Largest frame either side accepts: a 65 544-byte extended APDU as hex plus the envelope. */
export const BRIDGE_MAX_FRAME_BYTES = 140 * 1024;

/** How a card is shared with other PC/SC clients (PC/SC Part 5 §3.1.3, SCardConnect dwShareMode). */
export type ShareMode = 'shared' | 'exclusive';

/** A request from the page. */
type V = typeof BRIDGE_PROTOCOL_VERSION;
export type BridgeRequest =
  | { readonly v: V; readonly id: number; readonly op: 'auth'; readonly nonce: string; readonly proof: string }
  | { readonly v: V; readonly id: number; readonly op: 'offer' }
  | { readonly v: V; readonly id: number; readonly op: 'pair'; readonly nonce: string; readonly share: string }
  | { readonly v: V; readonly id: number; readonly op: 'pair-confirm'; readonly confirm: string }
  | { readonly v: V; readonly id: number; readonly op: 'list' }
  | { readonly v: V; readonly id: number; readonly op: 'connect'; readonly reader: string; readonly mode: ShareMode }
  | { readonly v: V; readonly id: number; readonly op: 'transmit'; readonly handle: number; readonly apdu: string }
  | {
      readonly v: V;
      readonly id: number;
      readonly op: 'control';
      readonly handle: number;
      readonly code: number;
      readonly data: string;
    }
  | {
      readonly v: V;
      readonly id: number;
      readonly op: 'pin-pad';
      readonly handle: number;
      /** FEATURE_VERIFY_PIN_DIRECT or FEATURE_MODIFY_PIN_DIRECT (PC/SC Part 10 v2.02.09 §2.3). */
      readonly feature: 'verify' | 'modify';
      /** The PIN_VERIFY_STRUCTURE / PIN_MODIFY_STRUCTURE (pcsc-pin-pad.ts), hex. */
      readonly data: string;
    }
  | { readonly v: V; readonly id: number; readonly op: 'begin'; readonly handle: number }
  | { readonly v: V; readonly id: number; readonly op: 'end'; readonly handle: number }
  | { readonly v: V; readonly id: number; readonly op: 'disconnect'; readonly handle: number };

/** Operations served before the connection is authenticated. */
export const UNAUTHENTICATED_OPS: readonly BridgeOp[] = ['auth', 'offer', 'pair', 'pair-confirm'];

/** The operations, as sent in `op`. */
export type BridgeOp = BridgeRequest['op'];

/** A reader as the bridge reports it. */
export interface BridgeReader {
  readonly name: string;
  readonly present: boolean;
  /** The card's ATR in hex when `present`. */
  readonly atr?: string;
}

/** What each operation resolves with. */
export interface BridgeResults {
  auth: { proof: string };
  offer: Record<string, never>;
  pair: { share: string; confirm: string };
  'pair-confirm': Record<string, never>;
  list: { readers: BridgeReader[] };
  connect: {
    handle: number;
    atr: string;
    protocol: 'T=0' | 'T=1' | 'RAW';
    /** The PIN features the reader announced (GET_FEATURE_REQUEST); absent when it has none. */
    pinPad?: { verify: boolean; modify: boolean };
  };
  transmit: { response: string };
  control: { response: string };
  'pin-pad': { response: string };
  begin: Record<string, never>;
  end: Record<string, never>;
  disconnect: Record<string, never>;
}

/** Error codes the bridge sends; the page raises them as `AppError('transport', code)`. */
export type BridgeErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_PAIRED'
  | 'AUTH_FAILED'
  | 'CONTROL_REFUSED'
  | 'PIN_PAD_ANSWER_INVALID'
  | 'PAIRING_FAILED'
  | 'PAIRING_LOCKED'
  | 'RATE_LIMITED'
  | 'SERVICE_NOT_RUNNING'
  | 'NO_READER'
  | 'UNKNOWN_READER'
  | 'NO_CARD'
  | 'CARD_REMOVED'
  | 'SHARING_VIOLATION'
  | 'UNKNOWN_HANDLE'
  | 'PCSC_ERROR'
  | 'NATIVE_MODULE_MISSING';

/** A frame from the bridge. */
export type BridgeMessage =
  | { readonly v: V; readonly id: number; readonly ok: true; readonly result: unknown }
  | {
      readonly v: V;
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly code: BridgeErrorCode; readonly message: string };
    }
  | { readonly v: V; readonly event: 'hello'; readonly version: number; readonly nonce: string }
  | { readonly v: V; readonly event: 'readers'; readonly readers: BridgeReader[] };

/** Hex from the wire (even length, no separators) as bytes; null when malformed (a reply is not checked). */
export function bytesOfHex(hex: string): Uint8Array | null {
  return isHex(hex) ? fromHex(hex) : null;
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const hexField = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= 2 * max && isHex(x);

/** Checks the fields an operation needs; returns the reason it is malformed, or null. */
function opProblem(o: Record<string, unknown>): string | null {
  switch (o.op) {
    case 'auth':
      return hexField(o.nonce, 32) && o.nonce.length === 64 && hexField(o.proof, 32) && o.proof.length === 64
        ? null
        : 'auth needs a 32-byte nonce and proof';
    case 'offer':
      return null;
    case 'pair':
      return hexField(o.nonce, 32) && o.nonce.length === 64 && hexField(o.share, 32) && o.share.length === 64
        ? null
        : 'pair needs a 32-byte nonce and share';
    case 'pair-confirm':
      return hexField(o.confirm, 64) && o.confirm.length === 128 ? null : 'pair-confirm needs a 64-byte tag';
    case 'list':
      return null;
    case 'connect':
      return typeof o.reader === 'string' && o.reader.length <= 256 && (o.mode === 'shared' || o.mode === 'exclusive')
        ? null
        : 'connect needs a reader and mode';
    case 'transmit':
      return isInt(o.handle) && hexField(o.apdu, 65544) && (o.apdu as string).length >= 8
        ? null
        : 'transmit needs a handle and an APDU of at least 4 bytes';
    case 'control':
      return isInt(o.handle) && isInt(o.code) && hexField(o.data, 4096)
        ? null
        : 'control needs a handle, code and data';
    case 'pin-pad':
      return isInt(o.handle) && (o.feature === 'verify' || o.feature === 'modify') && hexField(o.data, 300)
        ? null
        : 'pin-pad needs a handle, a feature (verify or modify) and a PIN structure';
    case 'begin':
    case 'end':
    case 'disconnect':
      return isInt(o.handle) ? null : `${o.op} needs a handle`;
    default:
      return 'unknown op';
  }
}

/** Parses one text frame from the page; `{ error }` names what is wrong (the id is kept when readable). */
export function parseRequest(text: string): { request: BridgeRequest } | { error: string; id: number | null } {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return { error: 'not JSON', id: null };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { error: 'not an object', id: null };
  const r = o as Record<string, unknown>;
  const id = isInt(r.id) ? r.id : null;
  if (r.v !== BRIDGE_PROTOCOL_VERSION)
    return { error: `unsupported protocol version (this bridge speaks ${BRIDGE_PROTOCOL_VERSION})`, id };
  if (id === null) return { error: 'missing id', id };
  const problem = opProblem(r);
  return problem ? { error: problem, id } : { request: r as unknown as BridgeRequest };
}

/**
 * Parses one text frame from the bridge on the page side: an event (`{ event }`) or a reply
 * (`{ id, ok }`). Null for anything else, so a stray service on the port cannot throw inside a handler.
 */
export function parseBridgeMessage(text: string): BridgeMessage | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const r = o as Record<string, unknown>;
  if (typeof r.event === 'string') return r as unknown as BridgeMessage;
  return isInt(r.id) && typeof r.ok === 'boolean' ? (r as unknown as BridgeMessage) : null;
}
