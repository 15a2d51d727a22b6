/**
 * Direct Sockets' `TCPServerSocket` (WICG direct-sockets) over `node:net`, for unit tests of code that
 * listens through src/entra/direct-sockets-listener.ts: the outer boundary only (the platform API), with
 * real TCP on 127.0.0.1. Install it with {@link installNodeTcpServerSocket}; it returns the undo.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';

class NodeTcpSocket {
  readonly opened: Promise<{ readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> }>;

  constructor(private readonly socket: Socket) {
    const web = Duplex.toWeb(socket) as unknown as {
      readable: ReadableStream<Uint8Array>;
      writable: WritableStream<Uint8Array>;
    };
    this.opened = Promise.resolve(web);
  }

  async close(): Promise<void> {
    this.socket.destroy();
  }
}

class NodeTcpServerSocket {
  readonly opened: Promise<{ readable: ReadableStream<NodeTcpSocket>; localAddress: string; localPort: number }>;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(localAddress: string) {
    this.#server = createServer();
    const readable = new ReadableStream<NodeTcpSocket>({
      start: (controller) => {
        this.#server.on('connection', (s) => {
          this.#sockets.add(s);
          s.on('close', () => this.#sockets.delete(s));
          try {
            controller.enqueue(new NodeTcpSocket(s));
          } catch {
            s.destroy();
          }
        });
        this.#server.on('close', () => {
          try {
            controller.close();
          } catch {
            // Already cancelled by the reader (the listener closed first).
          }
        });
      },
    });
    this.opened = new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, localAddress, () => {
        const address = this.#server.address();
        const localPort = typeof address === 'object' && address ? address.port : 0;
        resolve({ readable, localAddress, localPort });
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Puts the stand-in on `globalThis.TCPServerSocket`; returns a function that removes it again. */
export function installNodeTcpServerSocket(): () => void {
  const g = globalThis as { TCPServerSocket?: unknown };
  const before = g.TCPServerSocket;
  g.TCPServerSocket = NodeTcpServerSocket;
  return () => {
    g.TCPServerSocket = before;
  };
}
