/**
 * Whether one connection has proved it is the paired page of its origin, and the requests that get it
 * there (src/transport/pcsc-bridge-handshake.ts): `auth` with the pairing key, or a CPace pairing run
 * (`offer`, `pair`, `pair-confirm`) with the code the bridge printed.
 *
 * Nothing else is served until then (session.ts). The Origin header only says which key to check.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fromHex, toHex } from '../src/bytes';
import { proofInput, respond, type PairingResponder } from '../src/transport/pcsc-bridge-handshake';
import type { BridgeResults } from '../src/transport/pcsc-bridge-protocol';
import type { Logger } from '../relay/log';
import { Refusal } from './card-access';
import type { PairingStore } from './pairings';

/** What a connection's trust needs from its server. */
export interface TrustDeps {
  readonly origin: string;
  readonly pairings: PairingStore;
  readonly logger: Logger;
  /** Shows the operator a pairing code (the bridge's console). */
  readonly showPairingCode: (origin: string, code: string) => void;
}

const hmac = (key: Uint8Array, data: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(data).digest());
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);

/** One connection's standing: unauthenticated until `auth` or a pairing run succeeds. */
export class SessionTrust {
  /** The hello nonce: fresh per connection, half of every proof and of the pairing sid. */
  readonly nonce = new Uint8Array(randomBytes(32));
  #key: Uint8Array | null = null;
  #pairing: { responder: PairingResponder } | null = null;

  constructor(private readonly d: TrustDeps) {}

  /** True once this connection proved the origin's pairing key. */
  get authenticated(): boolean {
    return this.#key !== null;
  }

  /**
   * True while the key this connection proved is still the origin's (revocation, re-pairing). Re-reads the
   * pairing file when it changed (`--revoke` runs in another process); otherwise it costs one stat.
   */
  stillValid(): boolean {
    const key = this.#key;
    if (key === null) return false;
    this.d.pairings.reload();
    return this.d.pairings.keysFor(this.d.origin).some((k) => same(k, key));
  }

  /** `auth`: checks the page's proof, then proves the bridge's own knowledge of the key. */
  auth(pageNonce: string, proof: string): BridgeResults['auth'] {
    const { origin, pairings, logger } = this.d;
    pairings.reload();
    const keys = pairings.keysFor(origin);
    if (keys.length === 0)
      throw new Refusal(
        'NOT_PAIRED',
        'This bridge holds no pairing for this page (never paired, or revoked): pair again.',
      );
    const na = fromHex(pageNonce);
    const expected = proofInput('page', origin, this.nonce, na);
    const key = keys.find((k) => same(hmac(k, expected), fromHex(proof)));
    if (!key) {
      logger.warn('bridge authentication failed', { origin });
      throw new Refusal('AUTH_FAILED', 'The page could not prove this origin’s pairing key.');
    }
    this.#key = key;
    logger.info('bridge connection authenticated', { origin });
    return { proof: toHex(hmac(key, proofInput('bridge', origin, this.nonce, na))) };
  }

  /** `offer`: prints a pairing code for the operator (unless one is still valid, or pairing is locked). */
  offer(): BridgeResults['offer'] {
    const { origin, pairings, showPairingCode, logger } = this.d;
    if (pairings.isLocked(origin)) throw locked();
    const code = pairings.offerCode(origin);
    if (code) showPairingCode(origin, code);
    logger.info('bridge pairing code requested', { origin, printed: code !== null });
    return {};
  }

  /** `pair`: answers the page's CPace share with the bridge's share and confirmation tag. */
  pair(pageNonce: string, share: string): BridgeResults['pair'] {
    const { origin, pairings, logger } = this.d;
    const attempt = pairings.beginAttempt(origin);
    logger.info('bridge pairing attempt', { origin, outcome: typeof attempt === 'string' ? attempt : 'started' });
    if (attempt === 'locked') throw locked();
    if (attempt === 'no-code')
      throw new Refusal('PAIRING_FAILED', 'No pairing code is waiting for this page: connect again to get one.');
    const responder = respond(attempt.code, origin, this.nonce, fromHex(pageNonce), fromHex(share));
    if (!responder) throw new Refusal('PAIRING_FAILED', 'The pairing message was not valid.');
    this.#pairing = { responder };
    return { share: toHex(responder.share), confirm: toHex(responder.tag) };
  }

  /** `pair-confirm`: keeps the key once the page's tag shows it used the same code. */
  confirm(tag: string): BridgeResults['pair-confirm'] {
    const run = this.#pairing;
    this.#pairing = null; // one confirmation per run
    const key = run?.responder.confirm(fromHex(tag)) ?? null;
    if (!key) throw new Refusal('PAIRING_FAILED', 'That is not the code the bridge printed.');
    this.d.pairings.completePairing(this.d.origin, key);
    this.#key = key;
    this.d.logger.info('bridge paired', { origin: this.d.origin });
    return {};
  }
}

function locked(): Refusal {
  return new Refusal(
    'PAIRING_LOCKED',
    'Too many pairing attempts: pairing is locked for a while. Wait, then use the new code the bridge prints.',
  );
}
