/**
 * The bridge's only adapter to the OS's PC/SC service (pcsc-lite on Linux/macOS, WinSCard on Windows),
 * through the `smartcard` N-API addon.
 *
 * The addon is an optional dependency: it needs the PC/SC headers at install time (Debian
 * `libpcsclite-dev`). It is loaded lazily so that `npm start` works without it and the bridge can say
 * plainly what is missing. Its errors carry only a message (the native layer turns the SCARD_* code into
 * text, see its src/pcsc_errors.h), so the mapping to our codes has to match those texts; it lives beside
 * this file, in pcsc-errors.ts.
 */
import { createRequire } from 'node:module';
import { toHex } from '../src/bytes';
import { AppError } from '../src/app-error';
import type { BridgeReader, ShareMode } from '../src/transport/pcsc-bridge-protocol';
import { missingReader, pcscError } from './pcsc-errors';

/**
 * The subset of the addon's API the bridge uses, declared here rather than imported so the rest of the
 * repository type-checks where the optional addon is not installed (smartcard 3.x, dist/lib/types.d.ts).
 */
interface NativeCard {
  readonly protocol: number;
  readonly atr: Uint8Array | null;
  transmit(command: Buffer, options?: { maxRecvLength?: number }): Promise<Uint8Array>;
  control(code: number, data?: Buffer): Promise<Uint8Array>;
  disconnect(disposition?: number): void;
}
interface NativeReader {
  readonly name: string;
  readonly state: number;
  readonly atr: Uint8Array | null;
  connect(shareMode?: number, protocol?: number): Promise<NativeCard>;
}
interface NativeContext {
  readonly isValid: boolean;
  listReaders(): NativeReader[];
  close(): void;
}
type Flag =
  | 'SCARD_SHARE_EXCLUSIVE'
  | 'SCARD_SHARE_SHARED'
  | 'SCARD_PROTOCOL_T0'
  | 'SCARD_PROTOCOL_T1'
  | 'SCARD_LEAVE_CARD'
  | 'SCARD_STATE_PRESENT'
  | 'SCARD_STATE_MUTE';
type Addon = { readonly Context: new () => NativeContext } & Readonly<Record<Flag, number>>;

/** A connected card, as the bridge uses it. */
export interface PcscCard {
  readonly atr: Uint8Array;
  readonly protocol: 'T=0' | 'T=1' | 'RAW';
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  control(code: number, data: Uint8Array): Promise<Uint8Array>;
  /**
   * Keeps every other PC/SC client off the card (`true`) or lets them back (`false`), never resetting it
   * (SCARD_LEAVE_CARD). Fails at once with `SHARING_VIOLATION` while another client is connected.
   */
  exclusive(on: boolean): Promise<void>;
  disconnect(): void;
}

/** The PC/SC service, as the bridge uses it. */
export interface PcscService {
  listReaders(): BridgeReader[];
  connect(reader: string, mode: ShareMode): Promise<PcscCard>;
  close(): void;
}

/** Loads the addon, or explains how to install it. */
export function loadAddon(): Addon {
  try {
    return createRequire(import.meta.url)('smartcard') as Addon;
  } catch (e) {
    throw new AppError(
      'bridge',
      'NATIVE_MODULE_MISSING',
      'The `smartcard` native module is not installed. Install the PC/SC headers (Debian/Ubuntu: `sudo apt-get install libpcsclite-dev`), then `npm install smartcard` next to the bridge.',
      {},
      { cause: e },
    );
  }
}

function wrapCard(first: NativeCard, addon: Addon, context: NativeContext, reader: NativeReader): PcscCard {
  let card = first;
  const protocols = addon.SCARD_PROTOCOL_T0 | addon.SCARD_PROTOCOL_T1;
  const protocol =
    card.protocol === addon.SCARD_PROTOCOL_T0 ? 'T=0' : card.protocol === addon.SCARD_PROTOCOL_T1 ? 'T=1' : 'RAW';
  return {
    atr: new Uint8Array(card.atr ?? []),
    protocol,
    async transmit(apdu) {
      try {
        // 65 538 = the longest extended response (65 536 data bytes + SW1 SW2), ISO 7816-4 §5.1.
        return new Uint8Array(await card.transmit(Buffer.from(apdu), { maxRecvLength: 65538 }));
      } catch (e) {
        throw pcscError(e, 'transmit');
      }
    },
    async control(code, data) {
      try {
        return new Uint8Array(await card.control(code, Buffer.from(data)));
      } catch (e) {
        throw pcscError(e, 'control');
      }
    },
    async exclusive(on) {
      // Both ways the handle is reopened rather than SCardReconnect-ed: pcsc-lite's SCardReconnect to
      // exclusive waits, without a time limit, for every other client to leave, and one back to shared
      // keeps the reader locked so that others' SCardConnect waits; SCardConnect itself answers at once
      // (SCARD_E_SHARING_VIOLATION). Leaving the card as it is in between keeps it powered and its state
      // (SCARD_LEAVE_CARD, PC/SC Part 5 §3.1.4).
      card.disconnect(addon.SCARD_LEAVE_CARD);
      try {
        card = await reader.connect(on ? addon.SCARD_SHARE_EXCLUSIVE : addon.SCARD_SHARE_SHARED, protocols);
      } catch (e) {
        if (!on) throw pcscError(e, 'ending the transaction');
        try {
          card = await reader.connect(addon.SCARD_SHARE_SHARED, protocols);
        } catch (again) {
          throw pcscError(again, 'reconnecting after a refused transaction');
        }
        throw pcscError(e, 'taking the card for a transaction');
      }
    },
    disconnect() {
      try {
        card.disconnect(addon.SCARD_LEAVE_CARD);
      } catch {
        // already gone with the card; nothing to release
      }
      context.close();
    },
  };
}

function readerState(r: NativeReader, addon: Addon): BridgeReader {
  const present = (r.state & addon.SCARD_STATE_PRESENT) !== 0 && (r.state & addon.SCARD_STATE_MUTE) === 0;
  return present && r.atr ? { name: r.name, present, atr: toHex(r.atr) } : { name: r.name, present: false };
}

/**
 * Opens a PC/SC context. A stopped service is reported as `SERVICE_NOT_RUNNING`.
 *
 * pcsc-lite reports a missing daemon at once (SCARD_E_NO_SERVICE, which the addon words "PC/SC service
 * not running"), both when establishing a context and on any call through a context whose daemon died.
 * Such a context stays dead after pcscd restarts (its socket is gone), although the addon still calls it
 * valid, so a failing context is dropped and one fresh context is tried before reporting the failure.
 */
export function openPcsc(addon: Addon = loadAddon()): PcscService {
  const newContext = (): NativeContext => {
    try {
      return new addon.Context();
    } catch (e) {
      throw pcscError(e, 'establishing a context');
    }
  };
  let context: NativeContext | null = null;
  const listWith = (c: NativeContext): NativeReader[] => {
    try {
      return c.listReaders();
    } catch (e) {
      throw pcscError(e, 'listing readers');
    }
  };
  const drop = (): void => {
    context?.close();
    context = null;
  };
  return {
    listReaders() {
      const reused = context !== null;
      try {
        return listWith((context ??= newContext())).map((r) => readerState(r, addon));
      } catch (e) {
        drop();
        if (!reused) throw e;
        try {
          return listWith((context = newContext())).map((r) => readerState(r, addon));
        } catch (again) {
          drop();
          throw again;
        }
      }
    },
    async connect(name, mode) {
      // Each card gets its own context: pcsc-lite serialises the calls made on one context, so a slow
      // transmit would otherwise stall the presence polling, and with it the bridge's event loop.
      const own = newContext();
      let reader: NativeReader | undefined;
      try {
        const readers = listWith(own);
        reader = readers.find((r) => r.name === name);
        if (!reader)
          throw missingReader(
            name,
            readers.map((r) => r.name),
          );
      } catch (e) {
        own.close();
        throw e;
      }
      const share = mode === 'exclusive' ? addon.SCARD_SHARE_EXCLUSIVE : addon.SCARD_SHARE_SHARED;
      try {
        return wrapCard(
          await reader.connect(share, addon.SCARD_PROTOCOL_T0 | addon.SCARD_PROTOCOL_T1),
          addon,
          own,
          reader,
        );
      } catch (e) {
        own.close();
        const err = pcscError(e, 'connect');
        if (err.code === 'CARD_REMOVED' || /no smart card/i.test(err.cause instanceof Error ? err.cause.message : '')) {
          throw new AppError('bridge', 'NO_CARD', `There is no card in "${name}".`, { reader: name }, { cause: e });
        }
        throw err;
      }
    },
    close: drop,
  };
}
