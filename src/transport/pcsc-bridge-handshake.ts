/**
 * How the page and the bridge come to trust each other (pure; both sides use it):
 *
 * - **Pairing** (once per origin): the six-digit code the bridge prints is CPace's PRS
 *   (pcsc-bridge-pake.ts). The page is the initiator A, the bridge the responder B; CI names the protocol
 *   and the page's origin (so a key agreed for one origin is useless to another, "Party identifiers and
 *   relay attacks"), and sid is the bridge's hello nonce followed by the page's nonce ("Session identifier
 *   establishment": random bytes from both parties). The bridge sends Yb with its confirmation tag Tb; the
 *   page checks Tb before it sends its own Ta ("Key confirmation"), so a bridge that does not know the code
 *   never receives a tag; the bridge keeps the key only once Ta checks.
 * - **Every connection afterwards**: mutual challenge-response with HMAC-SHA-256 under the 256-bit
 *   pairing key over both fresh nonces and the origin, with a distinct label per direction so neither
 *   proof can be reflected as the other.
 */
import { concatBytes } from '../bytes';
import {
  calculateGenerator,
  confirmationTag,
  cpaceMessage,
  intermediateSessionKey,
  pairingKeyFromIsk,
  prefixFreeCat,
  sampleScalar,
  scalarMult,
  scalarMultVfy,
  tagMatches,
} from './pcsc-bridge-pake';

/** Bytes of each side's nonce (hello nonce, page nonce). */
export const HANDSHAKE_NONCE_BYTES = 32;
/** Bytes of an encoded ristretto255 element. */
export const SHARE_BYTES = 32;
/** A pairing code: six digits, as the bridge prints it (spaces and dashes are dropped before this). */
export const PAIRING_CODE = /^\d{6}$/;

const text = (s: string) => new TextEncoder().encode(s);
/** ADa and ADb: empty, the roles are fixed by the protocol flow. */
const NO_AD = new Uint8Array(0);

/** A source of random bytes (WebCrypto's by default; a test attacker brings its own to know its scalar). */
export type RandomBytes = (n: number) => Uint8Array;

/** CI: the protocol and the page origin the key is for. */
export function pairingChannel(origin: string): Uint8Array {
  return prefixFreeCat(text('keyward-bridge pairing v2'), text(origin));
}

/** The input each side's HMAC proof covers; `role` is the side that proves. */
export function proofInput(
  role: 'page' | 'bridge',
  origin: string,
  bridgeNonce: Uint8Array,
  pageNonce: Uint8Array,
): Uint8Array {
  return prefixFreeCat(text(`keyward-bridge ${role} proof v2`), text(origin), bridgeNonce, pageNonce);
}

/** What the page has once the bridge's tag checked: the pairing key, and its own tag to send. */
export interface InitiatorResult {
  readonly key: Uint8Array;
  readonly tag: Uint8Array;
}

/** The page's side of one pairing run. */
export interface PairingInitiator {
  /** Ya, sent with the page nonce. */
  readonly share: Uint8Array;
  /** Checks the bridge's answer; null when Yb is invalid or Tb does not check (wrong code, or not the bridge). */
  finish(bridgeShare: Uint8Array, bridgeTag: Uint8Array): InitiatorResult | null;
}

/** Starts the page's side ("CPace protocol instructions", party A). */
export function startInitiator(
  code: string,
  origin: string,
  bridgeNonce: Uint8Array,
  pageNonce: Uint8Array,
  random?: RandomBytes,
): PairingInitiator {
  const sid = concatBytes(bridgeNonce, pageNonce);
  const ya = sampleScalar(random);
  const share = scalarMult(ya, calculateGenerator(text(code), pairingChannel(origin), sid));
  const msgA = cpaceMessage(share, NO_AD);
  return {
    share,
    finish(bridgeShare, bridgeTag) {
      if (bridgeShare.length !== SHARE_BYTES) return null;
      const K = scalarMultVfy(ya, bridgeShare);
      if (!K) return null; // G.I: abort
      const msgB = cpaceMessage(bridgeShare, NO_AD);
      const isk = intermediateSessionKey(sid, K, msgA, msgB);
      if (!tagMatches(confirmationTag(isk, msgB), bridgeTag)) return null;
      return { key: pairingKeyFromIsk(isk, sid), tag: confirmationTag(isk, msgA) };
    },
  };
}

/** The bridge's side of one pairing run, after the page's share arrived. */
export interface PairingResponder {
  /** Yb and Tb, sent back to the page. */
  readonly share: Uint8Array;
  readonly tag: Uint8Array;
  /** The pairing key once the page's tag checks; null otherwise. */
  confirm(pageTag: Uint8Array): Uint8Array | null;
}

/** Answers the page's share ("CPace protocol instructions", party B); null when Ya is invalid (abort). */
export function respond(
  code: string,
  origin: string,
  bridgeNonce: Uint8Array,
  pageNonce: Uint8Array,
  pageShare: Uint8Array,
  random?: RandomBytes,
): PairingResponder | null {
  if (pageShare.length !== SHARE_BYTES) return null;
  const sid = concatBytes(bridgeNonce, pageNonce);
  const yb = sampleScalar(random);
  const share = scalarMult(yb, calculateGenerator(text(code), pairingChannel(origin), sid));
  const K = scalarMultVfy(yb, pageShare);
  if (!K) return null;
  const msgA = cpaceMessage(pageShare, NO_AD);
  const msgB = cpaceMessage(share, NO_AD);
  const isk = intermediateSessionKey(sid, K, msgA, msgB);
  return {
    share,
    tag: confirmationTag(isk, msgB),
    confirm: (pageTag) => (tagMatches(confirmationTag(isk, msgA), pageTag) ? pairingKeyFromIsk(isk, sid) : null),
  };
}
