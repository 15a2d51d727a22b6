/**
 * A card reached through the Keyward bridge (pcsc-bridge.ts holds the connection): each call is one bridge
 * request naming the card's PC/SC handle.
 */
import { AppError } from '../app-error';
import { toHex } from '../bytes';
import type { CardTransport, PinPad, PinPadCommand, TransportCapabilities } from './card-transport';
import { bytesOfHex, type BridgeOp, type BridgeRequest, type BridgeResults } from './pcsc-bridge-protocol';
import { PIN_PAD_SW, pinStructure } from './pcsc-pin-pad';

/** The fields of request `O` besides the envelope. */
export type RequestBody<O extends BridgeOp> = Omit<Extract<BridgeRequest, { op: O }>, 'v' | 'id' | 'op'>;

/** What a card needs of the bridge connection: one request at a time, answered or rejected with an `AppError`. */
export interface BridgeRequester {
  request<O extends BridgeOp>(op: O, body: RequestBody<O>): Promise<BridgeResults[O]>;
}

/**
 * PC/SC under the bridge exchanges whole APDUs (the reader driver does T=0/T=1). Short APDUs only:
 * not every PC/SC reader passes extended ones, and `ApduChannel` chains instead (ISO 7816-4 §5.1.1).
 */
const CAPABILITIES: TransportCapabilities = { extendedApdu: false, maxCommandLength: 261, maxResponseLength: 258 };

/** A card reached through the bridge. */
export class PcscBridgeCard implements CardTransport {
  readonly kind = 'pcsc-bridge' as const;
  readonly capabilities = CAPABILITIES;
  /** The reader's keypad, where it announced PC/SC Part 10 PIN features (the bridge asked it at connect). */
  readonly pinPad?: PinPad;
  #open = true;

  constructor(
    private readonly client: BridgeRequester,
    readonly readerName: string,
    private readonly handle: number,
    readonly atr: Uint8Array,
    pinFeatures?: { readonly verify: boolean; readonly modify: boolean },
  ) {
    if (pinFeatures) this.pinPad = { ...pinFeatures, enterPin: (c, o) => this.#enterPin(c, o) };
  }

  /**
   * FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT through the bridge (PC/SC Part 10 v2.02.09 §2.3):
   * the reader's driver answers a timed-out entry 6400 and a cancelled one 6401 (6402: the new PINs
   * differed), which never reached the card. A PC/SC PIN entry cannot be stopped from the page once it
   * waits on the reader, so `signal` is honoured only before it starts.
   */
  async #enterPin(command: PinPadCommand, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    options.signal?.throwIfAborted();
    const data = toHex(pinStructure(command));
    const { response } = await this.client.request('pin-pad', {
      handle: this.handle,
      feature: command.operation,
      data,
    });
    const bytes = bytesOfHex(response) ?? new Uint8Array(0);
    const sw = bytes.length >= 2 ? (bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]! : 0;
    if (sw === PIN_PAD_SW.TIMEOUT)
      throw new AppError('transport', 'PIN_TIMEOUT', 'The reader stopped waiting for the PIN', { sw });
    if (sw === PIN_PAD_SW.CANCELLED || sw === PIN_PAD_SW.DIFFERENT)
      throw new AppError('transport', 'PIN_CANCELLED', 'The PIN entry was cancelled on the reader', { sw });
    return bytes;
  }

  /** Sends one command APDU; a removed card rejects with `AppError('transport', 'CARD_REMOVED')`. */
  async transmit(command: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    options.signal?.throwIfAborted();
    const { response } = await this.client.request('transmit', { handle: this.handle, apdu: toHex(command) });
    return bytesOfHex(response) ?? new Uint8Array(0);
  }

  /** Sends a reader control code (SCardControl, PC/SC Part 10 features). */
  async control(code: number, data: Uint8Array = new Uint8Array(0)): Promise<Uint8Array> {
    const { response } = await this.client.request('control', { handle: this.handle, code, data: toHex(data) });
    return bytesOfHex(response) ?? new Uint8Array(0);
  }

  /**
   * Runs `work` with the card to itself: the bridge holds it exclusively meanwhile, keeping out every other
   * PC/SC program (bridge/session.ts), and shares it again afterwards whatever happens. Rejects with
   * `SHARING_VIOLATION` when another program stays connected to the card.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.client.request('begin', { handle: this.handle });
    try {
      return await work();
    } finally {
      await this.client.request('end', { handle: this.handle }).catch(() => undefined); // a removed card has already dropped it
    }
  }

  /** Disconnects (leaving the card powered, as PC/SC's SCARD_LEAVE_CARD). Idempotent. */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.client.request('disconnect', { handle: this.handle }).catch(() => undefined);
  }
}
