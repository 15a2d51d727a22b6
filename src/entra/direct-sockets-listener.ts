/**
 * The one adapter around Direct Sockets (`TCPServerSocket`, WICG direct-sockets; Isolated Web Apps only,
 * permissions policy `direct-sockets`): the loopback listener of the sign-in flow on 127.0.0.1.
 * Connections are read side by side, so a browser's idle pre-connection cannot hold up the redirect.
 */
import { AppError } from '../app-error';
import {
  formatResponse,
  MAX_REQUEST_HEAD,
  parseRequestHead,
  type LoopbackListener,
  type LoopbackRequest,
} from './loopback-listener';

interface SocketStreams {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}
interface TcpSocket {
  readonly opened: Promise<SocketStreams>;
  close(): Promise<void>;
}
interface TcpServerSocket {
  readonly opened: Promise<{ readonly readable: ReadableStream<TcpSocket>; readonly localPort: number }>;
  close(): Promise<void>;
}
type TcpServerSocketConstructor = new (localAddress: string) => TcpServerSocket;

/** How long a connection may take to send its request head. */
const HEAD_TIMEOUT_MS = 10_000;

/** True where Direct Sockets can listen (an Isolated Web App granted `direct-sockets`). */
export function directSocketsAvailable(): boolean {
  return typeof (globalThis as { TCPServerSocket?: unknown }).TCPServerSocket === 'function';
}

/** Opens a `TCPServerSocket` on 127.0.0.1 at a port the system picks. */
export async function openDirectSocketsListener(): Promise<LoopbackListener> {
  const Server = (globalThis as { TCPServerSocket?: TcpServerSocketConstructor }).TCPServerSocket;
  if (!Server) throw new AppError('entra', 'LOOPBACK_UNAVAILABLE', 'TCPServerSocket is not available here.');
  let server: TcpServerSocket;
  let opened: Awaited<TcpServerSocket['opened']>;
  try {
    server = new Server('127.0.0.1');
    opened = await server.opened;
  } catch (cause) {
    throw new AppError('entra', 'LOOPBACK_UNAVAILABLE', 'TCPServerSocket could not listen.', {}, { cause });
  }
  const ready: LoopbackRequest[] = [];
  const waiting: ((r: LoopbackRequest | null) => void)[] = [];
  let closed = false;
  const deliver = (r: LoopbackRequest | null) => {
    const w = waiting.shift();
    if (w) w(r);
    else if (r) ready.push(r);
  };
  const connections = opened.readable.getReader();
  void (async () => {
    for (;;) {
      const { value: socket, done } = await connections.read().catch(() => ({ value: undefined, done: true }));
      if (done || !socket) break;
      void readRequest(socket).then((r) => (r ? deliver(r) : socket.close().catch(() => undefined)));
    }
    closed = true;
    while (waiting.length) deliver(null);
  })();
  return {
    port: opened.localPort,
    next: () =>
      new Promise<LoopbackRequest>((resolve, reject) => {
        const r = ready.shift();
        if (r) return resolve(r);
        if (closed) return reject(new AppError('entra', 'LOOPBACK_CLOSED', 'The loopback listener closed.'));
        waiting.push((x) =>
          x ? resolve(x) : reject(new AppError('entra', 'LOOPBACK_CLOSED', 'The loopback listener closed.')),
        );
      }),
    close: async () => {
      await connections.cancel().catch(() => undefined);
      await server.close().catch(() => undefined);
    },
  };
}

/** Reads one request head from `socket`; undefined if none arrives in time or it is not HTTP/1.x. */
async function readRequest(socket: TcpSocket): Promise<LoopbackRequest | undefined> {
  const { readable, writable } = await socket.opened;
  const reader = readable.getReader();
  const decoder = new TextDecoder();
  let head = '';
  const timer = setTimeout(() => void reader.cancel().catch(() => undefined), HEAD_TIMEOUT_MS);
  try {
    while (head.length <= MAX_REQUEST_HEAD) {
      const { value, done } = await reader.read();
      if (done) return undefined;
      head += decoder.decode(value, { stream: true });
      const line = parseRequestHead(head);
      if (line) {
        return {
          ...line,
          respond: async (status, html) => {
            const writer = writable.getWriter();
            await writer.write(formatResponse(status, html));
            await writer.close().catch(() => undefined);
            reader.releaseLock();
            await socket.close().catch(() => undefined);
          },
        };
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
