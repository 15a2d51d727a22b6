/**
 * The `pcsc-bridge` backend: reaches the OS's PC/SC readers through the Keyward bridge the operator runs
 * on their own machine (bridge/), over a loopback WebSocket. Works from an ordinary https page with
 * any PC/SC reader and YubiKeys, which WebUSB refuses there (protected class 0x0B, device blocklist).
 *
 * The single adapter to the browser's `WebSocket` for this path. Chrome asks the operator for the Local
 * Network Access permission (`loopback-network`) the first time a public page connects to 127.0.0.1;
 * managed laptops can pre-grant it with the `LocalNetworkAccessAllowedForUrls` policy. A refused or
 * missing bridge looks the same to the socket (it closes before opening), so on that failure the adapter
 * asks the Permissions API: a denied permission is `LOCAL_NETWORK_DENIED` (the operator can fix it in
 * site settings), anything else `BRIDGE_UNREACHABLE`.
 *
 * Whatever answers on the port is not trusted for saying hello: a paired page proves its pairing key and
 * checks the bridge's proof before anything else (pcsc-bridge-pairing.ts), and sends nothing but the
 * handshake until both hold. A bridge that cannot prove the key is `BRIDGE_NOT_AUTHENTIC`, and the
 * connection is closed.
 */
import { AppError } from '../app-error';
import { PcscBridgeCard, type BridgeRequester, type RequestBody } from './pcsc-bridge-card';
import { authenticate, pairWithCode } from './pcsc-bridge-pairing';
import { openGreeted, type HelloState, type PcscBridgeOptions, type WebSocketLike } from './pcsc-bridge-socket';
import {
  BRIDGE_PROTOCOL_VERSION,
  bytesOfHex,
  parseBridgeMessage,
  UNAUTHENTICATED_OPS,
  type BridgeOp,
  type BridgeReader,
  type BridgeResults,
  type ShareMode,
} from './pcsc-bridge-protocol';

export { loopbackPermission } from './local-network-access';
export { BRIDGE_DEFAULT_URL, type PcscBridgeOptions, type WebSocketLike } from './pcsc-bridge-socket';
export type { PcscBridgeCard } from './pcsc-bridge-card';
export type { BridgeKeyStore } from './pcsc-bridge-pairing';

type Pending = { resolve: (v: unknown) => void; reject: (e: AppError) => void; timer: ReturnType<typeof setTimeout> };

/** A connection to the local bridge. */
export class PcscBridgeClient implements BridgeRequester {
  readonly #ws: WebSocketLike;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(readers: BridgeReader[]) => void>();
  readonly #closeListeners = new Set<() => void>();
  readonly #hello: HelloState;
  #nextId = 1;
  #paired = false;
  #closed = false;

  private constructor(ws: WebSocketLike, hello: HelloState, timeoutMs: number) {
    this.#ws = ws;
    this.#hello = hello;
    this.#timeoutMs = timeoutMs;
    ws.addEventListener('message', (e) => this.#receive(String(e.data)));
    ws.addEventListener('close', (e) => {
      this.#closed = true;
      this.#fail(
        new AppError('transport', 'BRIDGE_CLOSED', `The bridge closed the connection (code ${e.code ?? 'unknown'}).`, {
          closeCode: e.code,
        }),
      );
      for (const l of this.#closeListeners) l();
    });
  }

  /**
   * Opens the socket, waits for the bridge's greeting and, when this page holds a pairing key for `url`,
   * authenticates both ways. Resolves unpaired when there is no key, or the bridge no longer knows it.
   *
   * @throws AppError('transport', 'BRIDGE_NOT_AUTHENTIC') when the answer cannot prove the pairing key.
   */
  static async connect(options: PcscBridgeOptions): Promise<PcscBridgeClient> {
    const { ws, hello: greeting } = await openGreeted(options);
    const client = new PcscBridgeClient(ws, greeting, options.timeoutMs ?? 30_000);
    const hello = client.#hello;
    const key = await hello.keys.read(hello.url);
    if (!key) return client;
    const outcome = await authenticate(client.#raw, key, hello.origin, hello.nonce, hello.url).catch((e: unknown) => {
      client.close();
      throw e;
    });
    client.#paired = outcome === 'authenticated';
    return client;
  }

  /** True once this connection is authenticated both ways (or has just paired). */
  get paired(): boolean {
    return this.#paired;
  }

  /** Asks the bridge to print a pairing code for this page. Rejects with `PAIRING_LOCKED` while locked out. */
  async requestCode(): Promise<void> {
    await this.#request('offer', {});
  }

  /**
   * Pairs with the code the bridge printed (CPace), and keeps the pairing key in the page's key store.
   * Rejects with `PAIRING_FAILED` or `PAIRING_LOCKED`.
   */
  async pair(code: string): Promise<void> {
    const { url, origin, nonce, keys } = this.#hello;
    const key = await pairWithCode(this.#raw, code, origin, nonce);
    await keys.write(url, key);
    this.#paired = true;
  }

  /** Requests allowed before authentication: the handshake only. */
  readonly #raw = <O extends BridgeOp>(op: O, body: RequestBody<O>): Promise<BridgeResults[O]> =>
    this.#request(op, body);

  /** The bridge's readers and whether each holds a card. */
  async listReaders(): Promise<BridgeReader[]> {
    return (await this.#request('list', {})).readers;
  }

  /** Calls `listener` whenever a reader or card comes or goes; returns the unsubscribe function. */
  onReaders(listener: (readers: BridgeReader[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` once the connection ends (the bridge stopped, or {@link close}); returns the unsubscribe function. */
  onClose(listener: () => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Connects to the card in `reader`. `exclusive` keeps every other PC/SC client out until `close()`. */
  async connectCard(reader: string, options: { mode?: ShareMode } = {}): Promise<PcscBridgeCard> {
    const r = await this.#request('connect', { reader, mode: options.mode ?? 'shared' });
    return new PcscBridgeCard(this, reader, r.handle, bytesOfHex(r.atr) ?? new Uint8Array(0), r.pinPad);
  }

  /** Closes the connection; open cards are released by the bridge. */
  close(): void {
    this.#closed = true;
    this.#ws.close(1000);
  }

  /** Sends one request; used by {@link PcscBridgeCard}. */
  request<O extends BridgeOp>(op: O, body: RequestBody<O>): Promise<BridgeResults[O]> {
    return this.#request(op, body);
  }

  #request<O extends BridgeOp>(op: O, body: RequestBody<O>): Promise<BridgeResults[O]> {
    if (this.#closed || this.#ws.readyState !== 1)
      return Promise.reject(new AppError('transport', 'BRIDGE_CLOSED', 'The connection to the bridge is closed.'));
    if (!this.#paired && !UNAUTHENTICATED_OPS.includes(op))
      return Promise.reject(
        new AppError(
          'transport',
          'NOT_PAIRED',
          'This page is not paired with the bridge (or the bridge did not prove it): nothing was sent.',
        ),
      );
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new AppError(
            'transport',
            'TIMEOUT',
            `The bridge did not answer "${op}" within ${this.#timeoutMs / 1000} s.`,
            { op },
          ),
        );
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.#ws.send(JSON.stringify({ v: BRIDGE_PROTOCOL_VERSION, id, op, ...body }));
    });
  }

  #receive(text: string): void {
    const m = parseBridgeMessage(text);
    if (!m) return; // not the protocol: nothing pending can be matched to it
    if ('event' in m) {
      if (m.event === 'readers' && this.#paired) for (const l of this.#listeners) l(m.readers);
      return;
    }
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new AppError('transport', m.error.code, m.error.message, { bridge: true }));
  }

  #fail(error: AppError): void {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.#pending.clear();
  }
}
