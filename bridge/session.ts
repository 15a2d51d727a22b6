/**
 * One page's connection to the bridge: its trust (session-trust.ts: nothing but `auth` and pairing is
 * served before the page proves the origin's pairing key, and nothing once that key is revoked or
 * replaced), its card handles, and the per-reader locks shared by all connections.
 *
 * Transactions: `begin` takes the card exclusively (card-access.ts says why and how) and `end` shares it
 * again. That keeps *every* other PC/SC client out, in this bridge or not, which is what an issuance
 * needs: another program's SELECT in between would drop the card's security status. `exclusive` connects
 * are enforced between the bridge's own clients as well (card-access.ts's ReaderLocks).
 */
import type { WebSocket } from 'ws';
import { fromHex, toHex } from '../src/bytes';
import { isAppError } from '../src/app-error';
import type { Logger } from '../relay/log';
import {
  BRIDGE_PROTOCOL_VERSION as V,
  CONTROL_GET_FEATURE_REQUEST,
  CONTROL_MAX_RESPONSE_BYTES,
  parseRequest,
  type BridgeErrorCode,
  type BridgeMessage,
  type BridgeReader,
  type BridgeRequest,
  type ShareMode,
} from '../src/transport/pcsc-bridge-protocol';
import { holdForTransaction, Refusal, scardCtlCode, type ReaderLocks } from './card-access';
import { pinControlCode, pinPadOf, readPinFeatures } from './pin-pad';
import type { PcscCard, PcscService } from './pcsc';
import { SessionTrust, type TrustDeps } from './session-trust';

interface Handle {
  readonly reader: string;
  readonly mode: ShareMode;
  readonly card: PcscCard;
  /** Inside `begin` … `end`: the card is held exclusively for the transaction. */
  inTransaction: boolean;
  /** The reader's PIN features' control codes (GET_FEATURE_REQUEST, PC/SC Part 10 §2.3), by tag. */
  features: Map<number, number>;
}

/** WebSocket close codes (RFC 6455 §7.4.2, the private-use range) the page can tell apart. */
export const BRIDGE_CLOSE = { REVOKED: 4403, EVICTED: 4408, AUTH_DEADLINE: 4409 } as const;

/** What a session needs from its server. */
export interface SessionDeps extends TrustDeps {
  readonly ws: WebSocket;
  readonly service: () => PcscService;
  readonly locks: ReaderLocks<BridgeSession>;
  readonly logger: Logger;
  readonly rateLimit: number;
}

/** Serves one WebSocket connection, one request at a time. */
export class BridgeSession {
  readonly #d: SessionDeps;
  /** Whether this connection proved the origin's pairing key. */
  readonly trust: SessionTrust;
  /** The page origin the connection claims (its Origin header). */
  readonly origin: string;
  readonly #handles = new Map<number, Handle>();
  #nextHandle = 1;
  #queue: Promise<void> = Promise.resolve();
  #tokens: number;
  #refilled = Date.now();
  /** True while requests are being refused, so a flood logs one line rather than one per request. */
  #limited = false;

  constructor(deps: SessionDeps) {
    this.#d = deps;
    this.trust = new SessionTrust(deps);
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
    for (const h of this.#handles.values()) h.card.disconnect();
    this.#handles.clear();
    this.#d.locks.release(this);
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
        return this.#connect(r.reader, r.mode);
      case 'transmit':
        return this.#transmit(r.handle, fromHex(r.apdu));
      case 'control':
        return this.#control(r.handle, r.code, fromHex(r.data));
      case 'pin-pad':
        return this.#pinPad(r.handle, r.feature, fromHex(r.data));
      case 'begin':
        return this.#begin(r.handle);
      case 'end':
        return this.#end(r.handle);
      case 'disconnect':
        return this.#disconnect(r.handle);
    }
  }

  #handle(handle: number): Handle {
    const h = this.#handles.get(handle);
    if (!h) throw new Refusal('UNKNOWN_HANDLE', 'No such card connection (it was closed, or the card was removed).');
    return h;
  }

  async #connect(reader: string, mode: ShareMode): Promise<unknown> {
    this.#d.locks.check(this, reader, mode);
    const card = await this.#d.service().connect(reader, mode);
    const handle = this.#nextHandle++;
    const features = await readPinFeatures(card);
    this.#handles.set(handle, { reader, mode, card, inTransaction: false, features });
    this.#d.locks.hold(this, reader, mode);
    this.#d.logger.info('bridge card connected', { origin: this.#d.origin, reader, mode, protocol: card.protocol });
    return { handle, atr: toHex(card.atr), protocol: card.protocol, ...pinPadOf(features) };
  }

  /**
   * A PIN typed on the reader's keypad: the structure goes to the control code the reader announced for
   * FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT (PC/SC Part 10 §2.3), only when it carries a PIN
   * command (pcsc-pin-pad.ts). The log says which feature and the status word, never the structure.
   */
  async #pinPad(handle: number, feature: 'verify' | 'modify', data: Uint8Array): Promise<{ response: string }> {
    const h = this.#handle(handle);
    const code = pinControlCode(h.reader, h.features, feature, data);
    const response = await h.card.control(code, data).catch((e: unknown) => this.#dropIfDead(handle, e));
    const sw = response.length >= 2 ? toHex(response.slice(-2)) : 'none';
    this.#d.logger.info('pin pad', { reader: h.reader, feature, dataLength: data.length, sw });
    return { response: toHex(response) };
  }

  async #transmit(handle: number, apdu: Uint8Array): Promise<{ response: string }> {
    const h = this.#handle(handle);
    const response = await h.card.transmit(apdu).catch((e: unknown) => this.#dropIfDead(handle, e));
    const sw = response.length >= 2 ? toHex(response.slice(-2)) : 'none';
    this.#d.logger.info('apdu', { reader: h.reader, commandLength: apdu.length, responseLength: response.length, sw });
    return { response: toHex(response) };
  }

  /**
   * Rethrows `e`, first forgetting the handle when the card was pulled or pcscd stopped: PC/SC handles do
   * not survive either (a restarted pcscd does not know them), so the page must connect again.
   */
  #dropIfDead(handle: number, e: unknown): never {
    if (isAppError(e, 'bridge', 'CARD_REMOVED') || isAppError(e, 'bridge', 'SERVICE_NOT_RUNNING')) this.#drop(handle);
    throw e;
  }

  /**
   * Only CCID GET_FEATURE_REQUEST (PC/SC Part 10 §2.2), with no input and a bounded answer: the one control
   * a PIN-pad reader needs. Any other control code could reach reader firmware functions the app never uses.
   */
  async #control(handle: number, code: number, data: Uint8Array): Promise<{ response: string }> {
    if (code !== CONTROL_GET_FEATURE_REQUEST || data.length !== 0)
      throw new Refusal(
        'CONTROL_REFUSED',
        'The bridge forwards no reader control but GET_FEATURE_REQUEST (3400), without data.',
      );
    const h = this.#handle(handle);
    const response = await h.card.control(scardCtlCode(code), data).catch((e: unknown) => this.#dropIfDead(handle, e));
    if (response.length > CONTROL_MAX_RESPONSE_BYTES)
      throw new Refusal(
        'CONTROL_REFUSED',
        `The reader's feature list is longer than ${CONTROL_MAX_RESPONSE_BYTES} bytes.`,
      );
    this.#d.logger.info('control', {
      reader: h.reader,
      code,
      dataLength: data.length,
      responseLength: response.length,
    });
    return { response: toHex(response) };
  }

  async #begin(handle: number): Promise<Record<string, never>> {
    const h = this.#handle(handle);
    if (h.inTransaction || h.mode === 'exclusive') return {};
    await holdForTransaction(h.card, h.reader).catch((e: unknown) => this.#dropIfDead(handle, e));
    h.inTransaction = true;
    return {};
  }

  async #end(handle: number): Promise<Record<string, never>> {
    const h = this.#handle(handle);
    if (!h.inTransaction) return {};
    h.inTransaction = false;
    await h.card.exclusive(false).catch((e: unknown) => this.#dropIfDead(handle, e));
    return {};
  }

  #disconnect(handle: number): Record<string, never> {
    if (this.#handles.has(handle)) this.#drop(handle);
    return {};
  }

  #drop(handle: number): void {
    const h = this.#handles.get(handle)!;
    this.#handles.delete(handle);
    h.card.disconnect();
    if (![...this.#handles.values()].some((o) => o.reader === h.reader)) this.#d.locks.release(this, h.reader);
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
