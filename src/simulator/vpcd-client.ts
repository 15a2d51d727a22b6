/**
 * A vsmartcard vpcd client (Node): connects a virtual card to pcscd's vpcd driver over TCP so real PC/SC
 * clients (yubico-piv-tool, OpenSC, ykman) can talk to it.
 *
 * vpcd protocol (vsmartcard, virtualsmartcard/src/vpcd/vpcd.c): the driver listens (channel 0x8C7B =
 * port 35963 for the first slot) and the card connects as the client. Every message both ways is a
 * 2-byte big-endian length followed by that many bytes. A 1-byte message from the driver is a control:
 * 00 power off, 01 power on, 02 reset, 04 get ATR (answered with the ATR); anything longer is a command
 * APDU, answered with the response APDU. Controls other than 04 get no answer.
 */
import { Socket } from 'node:net';

/** The card side: what vpcd needs from a virtual card. */
export interface VpcdCard {
  readonly atr: Uint8Array;
  handle(apdu: Uint8Array): Promise<Uint8Array>;
  reset(): void;
}

/** Options for `connectVpcd`. */
export interface VpcdClientOptions {
  readonly host?: string;
  readonly port?: number;
  readonly card: VpcdCard;
  /** First and largest delay between reconnection attempts (ms); defaults 100 and 2000. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Told about connection changes (for a CLI to print). */
  readonly onStatus?: (status: 'connected' | 'disconnected', detail?: string) => void;
}

/**
 * When one message from vpcd was seen at the card's socket (`performance.now()` ms). It lets the bench
 * split a PC/SC round trip: `completeAt - firstByteAt` is time the message spent arriving in pieces (the
 * sender's writes and the TCP stack), `answeredAt - completeAt` is the card's own work.
 */
export interface VpcdMessageTiming {
  /** The first byte of the message (its length prefix) arrived. */
  readonly firstByteAt: number;
  /** The last byte of the message arrived. */
  readonly completeAt: number;
  /** The reply was handed to the socket (equals `completeAt` when no reply is due). */
  readonly answeredAt: number;
  /** Payload length: 1 for a control byte, else the command APDU's. */
  readonly length: number;
}

/** A running client. */
export interface VpcdClient {
  /** Resolves once connected for the first time. */
  readonly firstConnection: Promise<void>;
  /** True while a connection to vpcd is open. */
  readonly connected: boolean;
  /** Calls `listener` after every message is answered; returns the unsubscribe function. */
  onMessage(listener: (timing: VpcdMessageTiming) => void): () => void;
  /** Closes the connection and stops reconnecting. */
  stop(): Promise<void>;
}

/** vpcd control bytes. */
export const VPCD_CONTROL = { POWER_OFF: 0x00, POWER_ON: 0x01, RESET: 0x02, GET_ATR: 0x04 } as const;

/** Frames `payload` with its 2-byte big-endian length. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 2);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

/** Splits complete frames off the front of `buffer`; returns them and what is left. */
export function unframe(buffer: Uint8Array): { frames: Uint8Array[]; rest: Uint8Array } {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (buffer.length - at >= 2) {
    const len = (buffer[at]! << 8) | buffer[at + 1]!;
    if (buffer.length - at - 2 < len) break;
    frames.push(buffer.slice(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return { frames, rest: buffer.slice(at) };
}

/** The reply to one message from vpcd, or null when none is due. */
export async function answer(card: VpcdCard, message: Uint8Array): Promise<Uint8Array | null> {
  if (message.length !== 1) return card.handle(message);
  const control = message[0];
  if (control === VPCD_CONTROL.GET_ATR) return card.atr;
  if (control === VPCD_CONTROL.POWER_OFF || control === VPCD_CONTROL.POWER_ON || control === VPCD_CONTROL.RESET)
    card.reset();
  return null;
}

/** Answers vpcd's messages on `socket` in order, one at a time, reporting each one's timing. */
function serveConnection(socket: Socket, card: VpcdCard, report: (timing: VpcdMessageTiming) => void): void {
  let buffer: Uint8Array = new Uint8Array(0);
  let partialSince = 0; // when the first byte of the incomplete frame in `buffer` arrived
  let queue = Promise.resolve();
  socket.on('data', (chunk: Uint8Array) => {
    const arrived = performance.now();
    let firstByteAt = buffer.length > 0 ? partialSince : arrived;
    const joined = new Uint8Array(buffer.length + chunk.length);
    joined.set(buffer);
    joined.set(chunk, buffer.length);
    const { frames, rest } = unframe(joined);
    buffer = rest;
    partialSince = frames.length > 0 ? arrived : firstByteAt;
    for (const message of frames) {
      const started = firstByteAt;
      firstByteAt = arrived; // later frames of this chunk began in it
      queue = queue.then(async () => {
        // A card fault must not stall the queue: answer 6F00 (no precise diagnosis, ISO 7816-4 §5.6).
        const reply = await answer(card, message).catch(() => Uint8Array.of(0x6f, 0x00));
        if (reply && !socket.destroyed) socket.write(frame(reply));
        report({
          firstByteAt: started,
          completeAt: arrived,
          answeredAt: reply ? performance.now() : arrived,
          length: message.length,
        });
      });
    }
  });
}

/** Connects `options.card` to vpcd, reconnecting with backoff whenever pcscd goes away. */
export function connectVpcd(options: VpcdClientOptions): VpcdClient {
  const { host = '127.0.0.1', port = 35963, card } = options;
  const backoff = options.backoff ?? { initialMs: 100, maxMs: 2000 };
  let delay = backoff.initialMs;
  let socket: Socket | null = null;
  let stopped = false;
  let open = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveFirst: () => void = () => undefined;
  const listeners = new Set<(timing: VpcdMessageTiming) => void>();
  const report = (timing: VpcdMessageTiming): void => {
    for (const listener of listeners) {
      try {
        listener(timing);
      } catch {
        // an observer's fault must not break the answer queue, which would leave the card mute
      }
    }
  };
  const firstConnection = new Promise<void>((resolve) => (resolveFirst = resolve));

  const connect = (): void => {
    if (stopped) return;
    const s = new Socket();
    socket = s;
    s.setNoDelay(true);
    serveConnection(s, card, report);
    s.once('connect', () => {
      open = true;
      delay = backoff.initialMs;
      options.onStatus?.('connected', `${host}:${port}`);
      resolveFirst();
    });
    s.once('close', () => {
      if (open) options.onStatus?.('disconnected');
      open = false;
      card.reset();
      if (!stopped) {
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, backoff.maxMs);
      }
    });
    s.on('error', () => undefined); // 'close' follows and schedules the retry
    s.connect(port, host);
  };

  connect();
  return {
    firstConnection,
    get connected() {
      return open;
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      const s = socket;
      if (!s || s.destroyed) return;
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.destroy();
      });
    },
  };
}
