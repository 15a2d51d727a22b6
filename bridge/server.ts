/**
 * The bridge's network side: a WebSocket server on 127.0.0.1 that admits only allowed origins on a
 * loopback Host (access.ts), bounds message size and rate, and serves the protocol in
 * src/transport/pcsc-bridge-protocol.ts with one `BridgeSession` per connection.
 *
 * Connection slots: connections that have not proved a pairing key yet share a small budget of their
 * own, the oldest making room for a newcomer and none outliving the pairing-code lifetime, so a local
 * program opening sockets can neither fill the slots of paired pages nor keep a paired page from
 * getting in to authenticate. A revoked or replaced pairing closes the connections that proved it.
 *
 * It never logs APDU payloads: only lengths and the status word.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../relay/log';
import { toHex } from '../src/bytes';
import {
  BRIDGE_MAX_FRAME_BYTES,
  BRIDGE_PROTOCOL_VERSION as V,
  type BridgeReader,
} from '../src/transport/pcsc-bridge-protocol';
import { refuseUpgrade } from './access';
import { PAIRING_CODE_TTL_MS, type PairingStore } from './pairings';
import type { PcscService } from './pcsc';
import { ReaderLocks } from './card-access';
import { BRIDGE_CLOSE, BridgeSession } from './session';

/** Options for {@link startBridgeServer}. */
export interface BridgeServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly allowedOrigins: readonly string[];
  readonly pairings: PairingStore;
  /** Opens PC/SC on first use, so a missing addon or stopped service is reported per request. */
  readonly pcsc: () => PcscService;
  readonly logger: Logger;
  /** Shows the operator a pairing code (the console by default). */
  readonly showPairingCode: (origin: string, code: string) => void;
  /** Requests per second each connection may send (burst = this, refilled per second). */
  readonly rateLimit?: number;
  /** How often reader/card presence is polled, in ms. */
  readonly pollMs?: number;
  /** Most simultaneous authenticated connections (default 8). */
  readonly maxConnections?: number;
  /** Most simultaneous connections not authenticated yet (default 3); the oldest makes room. */
  readonly maxUnauthenticated?: number;
  /** How long a connection may stay unauthenticated, pairing included (default: a code's lifetime). */
  readonly authDeadlineMs?: number;
}

export { BRIDGE_CLOSE } from './session';

/** A running bridge. */
export interface BridgeServer {
  readonly port: number;
  close(): Promise<void>;
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Service Unavailable'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`,
  );
}

/** Starts the bridge on 127.0.0.1 only. */
export async function startBridgeServer(opts: BridgeServerOptions): Promise<BridgeServer> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: BRIDGE_MAX_FRAME_BYTES });
  const sessions = new Set<BridgeSession>();
  const locks = new ReaderLocks<BridgeSession>();
  let pcsc: PcscService | null = null;
  const service = (): PcscService => (pcsc ??= opts.pcsc());
  const http = createServer((_req, res) =>
    res.writeHead(426, { 'Content-Type': 'text/plain' }).end('Keyward PC/SC bridge: WebSocket only.\n'),
  );
  let port = opts.port;

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const why = refuseUpgrade({ origin: req.headers.origin, host: req.headers.host }, opts.allowedOrigins, port);
    if (why) {
      opts.logger.warn('bridge connection refused', {
        reason: why,
        origin: req.headers.origin ?? null,
        host: req.headers.host ?? null,
      });
      return reject(socket, 403, why);
    }
    if ([...sessions].filter((s) => s.trust.authenticated).length >= (opts.maxConnections ?? 8))
      return reject(socket, 503, 'too many connections');
    const waiting = [...sessions].filter((s) => !s.trust.authenticated); // oldest first (insertion order)
    if (waiting.length >= (opts.maxUnauthenticated ?? 3)) {
      opts.logger.warn('bridge evicted an unauthenticated connection', { origin: waiting[0]!.origin });
      waiting[0]!.close(BRIDGE_CLOSE.EVICTED, 'too many unauthenticated connections');
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req.headers.origin!));
  });

  const accept = (ws: WebSocket, origin: string): void => {
    const session = new BridgeSession({
      ws,
      origin,
      pairings: opts.pairings,
      service,
      locks,
      logger: opts.logger,
      rateLimit: opts.rateLimit ?? 200,
      showPairingCode: opts.showPairingCode,
    });
    sessions.add(session);
    const deadline = setTimeout(() => {
      if (!session.trust.authenticated) session.close(BRIDGE_CLOSE.AUTH_DEADLINE, 'not authenticated in time');
    }, opts.authDeadlineMs ?? PAIRING_CODE_TTL_MS);
    ws.on('close', () => {
      clearTimeout(deadline);
      sessions.delete(session);
      session.release();
    });
    ws.on('error', () => ws.terminate()); // e.g. an oversize frame: ws closes with 1009 and reports it here
    session.send({ v: V, event: 'hello', version: V, nonce: toHex(session.trust.nonce) });
    opts.logger.info('bridge connection', { origin });
  };

  /**
   * Closes connections whose pairing was revoked (`--revoke` rewrites the file) or replaced, without
   * waiting for their next request (which checks for itself, session.ts).
   */
  const enforceRevocations = (): void => {
    for (const s of sessions) if (s.trust.authenticated && !s.trust.stillValid()) s.revoked();
  };

  // Presence: poll PC/SC and tell paired sessions when anything changed.
  let last = '';
  const poll = setInterval(() => {
    if (sessions.size === 0) return;
    enforceRevocations();
    let readers: BridgeReader[] = [];
    try {
      readers = service().listReaders();
    } catch {
      readers = []; // service down or addon missing: requests report why; events just show no readers
    }
    const now = JSON.stringify(readers);
    if (now === last) return;
    last = now;
    for (const s of sessions) s.readersChanged(readers);
  }, opts.pollMs ?? 250);

  await new Promise<void>((resolve, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  port = typeof address === 'object' && address ? address.port : opts.port;
  opts.logger.info('bridge listening', { url: `ws://127.0.0.1:${port}` });

  return {
    port,
    async close() {
      clearInterval(poll);
      for (const s of sessions) s.release();
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
      pcsc?.close();
    },
  };
}
