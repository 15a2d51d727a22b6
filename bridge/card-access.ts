/**
 * Who may use a reader and its card: the per-reader locks between the bridge's own clients (PC/SC Part 5
 * §3.1.3 `exclusive` connects), and taking a card exclusively for a transaction.
 *
 * The `smartcard` addon does not expose SCardBeginTransaction, so a transaction takes the card
 * exclusively instead (SCardReconnect to SCARD_SHARE_EXCLUSIVE, leaving the card as it is). Unlike
 * SCardBeginTransaction that cannot start while another client is connected at all, so it retries for a
 * moment, then says which kind of program to close.
 */
import { isAppError } from '../src/app-error';
import type { BridgeErrorCode, ShareMode } from '../src/transport/pcsc-bridge-protocol';
import type { PcscCard } from './pcsc';

/** A request the bridge refuses itself (not a PC/SC failure), with the code the page gets. */
export class Refusal extends Error {
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Which connection holds each reader exclusively, and which use it shared. */
export class ReaderLocks<Client = object> {
  readonly exclusive = new Map<string, Client>();
  readonly shared = new Map<string, Set<Client>>();

  /** Refuses `client` a `mode` connect to `reader` that another client's connection rules out. */
  check(client: Client, reader: string, mode: ShareMode): void {
    const holder = this.exclusive.get(reader);
    const others = [...(this.shared.get(reader) ?? [])].filter((s) => s !== client);
    if ((holder && holder !== client) || (mode === 'exclusive' && others.length > 0)) {
      throw new Refusal('SHARING_VIOLATION', `Another client is using "${reader}"${holder ? ' exclusively' : ''}.`);
    }
  }

  /** Records that `client` is connected to `reader` in `mode`. */
  hold(client: Client, reader: string, mode: ShareMode): void {
    if (mode === 'exclusive') this.exclusive.set(reader, client);
    if (!this.shared.has(reader)) this.shared.set(reader, new Set());
    this.shared.get(reader)!.add(client);
  }

  /** Forgets everything `client` held on `reader` (or on every reader). */
  release(client: Client, reader?: string): void {
    for (const [r, holder] of this.exclusive)
      if (holder === client && (!reader || r === reader)) this.exclusive.delete(r);
    for (const [r, set] of this.shared) if (!reader || r === reader) set.delete(client);
  }
}

/** How long a transaction keeps trying while another client is briefly connected (e.g. Windows' certificate propagation). */
const BEGIN_RETRY_MS = 2_000;
const BEGIN_RETRY_STEP_MS = 100;

/**
 * Takes `card` (in `reader`) exclusively for a transaction, retrying while another program is connected.
 *
 * @throws Refusal('SHARING_VIOLATION') when it stays connected; the card's own failure otherwise.
 */
export async function holdForTransaction(card: PcscCard, reader: string): Promise<void> {
  for (const deadline = Date.now() + BEGIN_RETRY_MS; ;) {
    try {
      return await card.exclusive(true);
    } catch (e) {
      if (!isAppError(e, 'bridge', 'SHARING_VIOLATION')) throw e;
      if (Date.now() >= deadline) {
        throw new Refusal(
          'SHARING_VIOLATION',
          `Another program is connected to the card in "${reader}", so Keyward cannot have it to itself for this operation. Close smart-card tools, other Keyward tabs and background agents (for example gpg's scdaemon), then try again.`,
        );
      }
      await new Promise((r) => setTimeout(r, BEGIN_RETRY_STEP_MS));
    }
  }
}

/**
 * SCARD_CTL_CODE(code) of the PC/SC stack this bridge runs on: pcsc-lite (Linux, macOS) defines it as
 * 0x42000000 + code (reader.h); Windows as CTL_CODE(FILE_DEVICE_SMARTCARD 0x31, code, METHOD_BUFFERED,
 * FILE_ANY_ACCESS) = 0x310000 | code << 2 (winsmcrd.h).
 */
export function scardCtlCode(code: number, platform: NodeJS.Platform = process.platform): number {
  return platform === 'win32' ? (0x31 << 16) | (code << 2) : 0x42000000 + code;
}
