/**
 * Opening a connection to the Keyward bridge (pcsc-bridge.ts): the socket, and the bridge's greeting,
 * which must name this protocol's version and carry a nonce before the connection is used. A socket that
 * fails or never greets is `LOCAL_NETWORK_DENIED` or `BRIDGE_UNREACHABLE` (local-network-access.ts).
 */
import { AppError } from '../app-error';
import { unreachable } from './local-network-access';
import { helloNonce, type BridgeKeyStore } from './pcsc-bridge-pairing';
import { BRIDGE_DEFAULT_PORT, BRIDGE_PROTOCOL_VERSION, parseBridgeMessage } from './pcsc-bridge-protocol';

/** The part of `WebSocket` this adapter uses (the browser's, or `ws` in Node tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: { data?: unknown; code?: number }) => void,
  ): void;
}

/** Options for {@link PcscBridgeClient.connect}. */
export interface PcscBridgeOptions {
  /** Defaults to ws://127.0.0.1:35990. */
  readonly url?: string;
  /** Opens the socket; defaults to the global `WebSocket`. */
  readonly open?: (url: string) => WebSocketLike;
  /** Per-request timeout (ms); default 30 s (a key generation on a slow card takes seconds). */
  readonly timeoutMs?: number;
  /**
   * How long to wait for the bridge's greeting (ms); default 20 s. A socket the browser blocks (CSP, or a
   * Local Network Access prompt left unanswered) may never close, so the wait must end on its own.
   */
  readonly connectTimeoutMs?: number;
  /** The Permissions API to consult when the socket fails; defaults to `navigator.permissions`. */
  readonly permissions?: Pick<Permissions, 'query'>;
  /** Where this page keeps its pairing keys (IndexedDB in the app). */
  readonly keys: BridgeKeyStore;
  /** The page's origin, which the pairing is bound to; defaults to `location.origin`. */
  readonly origin?: string;
}

/** The bridge's default address. */
export const BRIDGE_DEFAULT_URL = `ws://127.0.0.1:${BRIDGE_DEFAULT_PORT}`;

/** What the greeting fixed for this connection: the bridge's nonce, and whom to prove what to. */
export interface HelloState {
  readonly url: string;
  readonly origin: string;
  readonly nonce: Uint8Array;
  readonly keys: BridgeKeyStore;
}

/** A socket whose bridge has greeted, and what the greeting fixed. */
export interface Greeted {
  readonly ws: WebSocketLike;
  readonly hello: HelloState;
}

/**
 * Opens the socket and waits for the bridge's greeting.
 *
 * @throws AppError('transport', 'NOT_A_BRIDGE' | 'BRIDGE_VERSION' | 'BRIDGE_UNREACHABLE' | 'LOCAL_NETWORK_DENIED')
 */
export function openGreeted(options: PcscBridgeOptions): Promise<Greeted> {
  const url = options.url ?? BRIDGE_DEFAULT_URL;
  const permissions = options.permissions ?? globalThis.navigator?.permissions;
  return new Promise((resolve, reject) => {
    const fail = (cause?: unknown) => void unreachable(url, permissions, cause).then(reject);
    let ws: WebSocketLike;
    try {
      ws = options.open ? options.open(url) : (new WebSocket(url) as unknown as WebSocketLike);
    } catch (e) {
      return fail(e);
    }
    let greeted = false;
    const timer = setTimeout(() => {
      if (greeted) return;
      greeted = true; // so the close below does not reject a second time
      ws.close();
      fail();
    }, options.connectTimeoutMs ?? 20_000);
    ws.addEventListener('message', (e) => {
      if (greeted) return;
      clearTimeout(timer);
      greeted = true;
      const m = parseBridgeMessage(String(e.data));
      const nonce = m && 'event' in m && m.event === 'hello' ? helloNonce(m.nonce) : null;
      if (!m || !('event' in m) || m.event !== 'hello' || (m.version === BRIDGE_PROTOCOL_VERSION && !nonce)) {
        ws.close();
        return reject(
          new AppError(
            'transport',
            'NOT_A_BRIDGE',
            `Something other than a Keyward bridge answered at ${url}. Check the port the bridge was started with.`,
            { url },
          ),
        );
      }
      if (m.version !== BRIDGE_PROTOCOL_VERSION) {
        ws.close();
        return reject(
          new AppError(
            'transport',
            'BRIDGE_VERSION',
            `The bridge speaks protocol ${m.version}; this page needs ${BRIDGE_PROTOCOL_VERSION}. Update the bridge.`,
            { version: m.version },
          ),
        );
      }
      const origin = options.origin ?? globalThis.location.origin;
      resolve({ ws, hello: { url, origin, nonce: nonce!, keys: options.keys } });
    });
    ws.addEventListener('error', () => undefined); // 'close' follows and says the rest
    ws.addEventListener('close', () => {
      clearTimeout(timer);
      if (!greeted) fail();
    });
  });
}
