/**
 * One page's connection to the bridge: its frames, one request at a time and rate-limited, its trust
 * (session-trust.ts: nothing but `auth` and pairing is served before the page proves the origin's pairing
 * key, and nothing once that key is revoked or replaced), and its card handles (card-handles.ts, with the
 * per-reader locks shared by all connections).
 */
import type { WebSocket } from 'ws';
import { fromHex } from '../src/bytes';
import { isAppError } from '../src/app-error';
import {
  BRIDGE_PROTOCOL_VERSION as V,
  parseRequest,
  type BridgeErrorCode,
  type BridgeMessage,
  type BridgeReader,
  type BridgeRequest,
} from '../src/transport/pcsc-bridge-protocol';
import { Refusal } from './card-access';
import { CardHandles, type CardHandlesDeps } from './card-handles';
import { SessionTrust, type TrustDeps } from './session-trust';

/** WebSocket close codes (RFC 6455 §7.4.2, the private-use range) the page can tell apart. */
export const BRIDGE_CLOSE = { REVOKED: 4403, EVICTED: 4408, AUTH_DEADLINE: 4409 } as const;

/** What a session needs from its server. */
export interface SessionDeps extends TrustDeps, CardHandlesDeps<BridgeSession> {
  readonly ws: WebSocket;
  readonly rateLimit: number;
}

/** Serves one WebSocket connection, one request at a time. */
export class BridgeSession {
  readonly #d: SessionDeps;
  /** Whether this connection proved the origin's pairing key. */
  readonly trust: SessionTrust;
  /** The page origin the connection claims (its Origin header). */
  readonly origin: string;
  readonly #cards: CardHandles<BridgeSession>;
  #queue: Promise<void> = Promise.resolve();
  #tokens: number;
  #refilled = Date.now();
  /** True while requests are being refused, so a flood logs one line rather than one per request. */
  #limited = false;

  constructor(deps: SessionDeps) {
    this.#d = deps;
    this.trust = new SessionTrust(deps);
    this.#cards = new CardHandles(this, deps);
    this.origin = deps.origin;
    this.#tokens = deps.rateLimit;
    deps.ws.on('message', (data, isBinary) => this.#receive(isBinary ? null : String(data)));
  }

  /** Sends a frame if the socket is still open. */
  send(message: BridgeMessage): void {
    if (this.#d.ws.readyState === this.#d.ws.OPEN) this.#d.ws.send(JSON.stringify(message));
  }

  /** Tells an authenticated page about reader/card changes. */
  readersChanged(readers: BridgeReader[]): void {
    if (this.trust.authenticated) this.send({ v: V, event: 'readers', readers });
  }

  /** Ends the connection because the pairing it proved was revoked or replaced (once: later calls do nothing). */
  revoked(): void {
    if (this.#d.ws.readyState !== this.#d.ws.OPEN) return;
    this.#d.logger.info('bridge connection closed: pairing revoked', { origin: this.origin });
    this.close(BRIDGE_CLOSE.REVOKED, 'pairing revoked');
  }

  /** Ends the connection (revoked, evicted, or failed authentication): the page must connect again. */
  close(code: number, reason: string): void {
    this.release();
    this.#d.ws.close(code, reason);
  }

  /** Disconnects every card and drops every lock (connection closed). */
  release(): void {
    this.#cards.release();
  }

  #allow(): boolean {
    const now = Date.now();
    this.#tokens = Math.min(this.#d.rateLimit, this.#tokens + ((now - this.#refilled) / 1000) * this.#d.rateLimit);
    this.#refilled = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #receive(text: string | null): void {
    const parsed =
      text === null ? { error: 'binary frames are not part of the protocol', id: null } : parseRequest(text);
    if ('error' in parsed)
      return this.send({ v: V, id: parsed.id ?? 0, ok: false, error: { code: 'BAD_REQUEST', message: parsed.error } });
    const { request } = parsed;
    if (!this.#allow()) {
      if (!this.#limited)
        this.#d.logger.warn('bridge rate limit hit', {
          origin: this.#d.origin,
          op: request.op,
          perSecond: this.#d.rateLimit,
        });
      this.#limited = true;
      return this.send({
        v: V,
        id: request.id,
        ok: false,
        error: {
          code: 'RATE_LIMITED',
          message: `Too many requests: this bridge serves ${this.#d.rateLimit} per second per connection. Slow down and retry.`,
        },
      });
    }
    this.#limited = false;
    this.#queue = this.#queue.then(() => this.#serve(request));
  }

  async #serve(request: BridgeRequest): Promise<void> {
    try {
      const result = await this.#dispatch(request);
      this.send({ v: V, id: request.id, ok: true, result });
    } catch (e) {
      const code: BridgeErrorCode =
        e instanceof Refusal ? e.code : isAppError(e, 'bridge') ? (e.code as BridgeErrorCode) : 'PCSC_ERROR';
      const message = e instanceof Error ? e.message : String(e);
      this.#d.logger.warn('bridge request failed', { op: request.op, code, origin: this.#d.origin });
      this.send({ v: V, id: request.id, ok: false, error: { code, message } });
      if (e instanceof RevokedRefusal) this.revoked(); // after the refusal, so the page reads why
    }
  }

  #dispatch(r: BridgeRequest): Promise<unknown> | unknown {
    switch (r.op) {
      case 'auth':
        return this.trust.auth(r.nonce, r.proof);
      case 'offer':
        return this.trust.offer();
      case 'pair':
        return this.trust.pair(r.nonce, r.share);
      case 'pair-confirm':
        return this.trust.confirm(r.confirm);
    }
    if (!this.trust.authenticated)
      throw new Refusal(
        'NOT_PAIRED',
        'This connection has not proved this page’s pairing: pair with the code the bridge prints.',
      );
    // Each request, not only the revocation poll: a request that arrives between a `--revoke` and the
    // next poll is refused too. A stat of the pairing file when nothing changed.
    if (!this.trust.stillValid()) throw new RevokedRefusal();
    switch (r.op) {
      case 'list':
        return { readers: this.#d.service().listReaders() };
      case 'connect':
        return this.#cards.connect(r.reader, r.mode);
      case 'transmit':
        return this.#cards.transmit(r.handle, fromHex(r.apdu));
      case 'control':
        return this.#cards.control(r.handle, r.code, fromHex(r.data));
      case 'pin-pad':
        return this.#cards.pinPad(r.handle, r.feature, fromHex(r.data));
      case 'begin':
        return this.#cards.begin(r.handle);
      case 'end':
        return this.#cards.end(r.handle);
      case 'disconnect':
        return this.#cards.disconnect(r.handle);
    }
  }
}

/** The refusal of a request on a connection whose pairing was revoked or replaced; the connection then closes. */
class RevokedRefusal extends Refusal {
  constructor() {
    super(
      'NOT_PAIRED',
      'This page’s pairing with the bridge was revoked or replaced: pair again with the code it prints.',
    );
  }
}
