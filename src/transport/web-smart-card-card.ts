/**
 * A card reached through the Web Smart Card API: a `SmartCardConnection` as a `CardTransport`.
 *
 * PC/SC shares the card: its security status (a verified PIN, an authenticated management key) stays
 * for any program that connects while Keyward holds the card, and after Keyward lets go. So a run that
 * sent a command that sets it ends its transaction with the "reset" disposition (PC/SC Part 5
 * SCARD_RESET_CARD), and `close()` resets the card when such a command was sent outside a transaction;
 * otherwise both "leave" the card as it is. The next run selects the PIV application again (Detect).
 */
import type { CardTransport, TransportCapabilities } from './card-transport';
import { smartCardCall, type SmartCardConnectionLike, type SmartCardProtocol } from './web-smart-card';

/**
 * Instructions that leave security status on the card when they carry data (SP 800-73-4 Part 2 §3.2.1
 * VERIFY, §3.2.2 CHANGE REFERENCE DATA, §3.2.3 RESET RETRY COUNTER, §3.2.4 GENERAL AUTHENTICATE). A VERIFY
 * without data only asks for the PIN's status.
 */
const SENSITIVE_INS = new Set([0x20, 0x24, 0x2c, 0x87]);

/**
 * Short APDUs only, as through the bridge: PC/SC readers differ on extended ones, and `ApduChannel`
 * chains instead (ISO 7816-4 §5.1.1).
 */
const CAPABILITIES: TransportCapabilities = { extendedApdu: false, maxCommandLength: 261, maxResponseLength: 258 };

/** A connected card. */
export class WebSmartCardTransport implements CardTransport {
  readonly kind = 'web-smart-card' as const;
  readonly capabilities = CAPABILITIES;
  #open = true;
  #sensitive = false;

  constructor(
    private readonly connection: SmartCardConnectionLike,
    readonly readerName: string,
    readonly atr: Uint8Array,
    private readonly protocol: SmartCardProtocol | undefined,
  ) {}

  /** True when a command that leaves security status on the card was sent and not yet reset: `close()` will reset it. */
  get resetsOnClose(): boolean {
    return this.#sensitive;
  }

  /** Sends one command APDU; PC/SC runs T=0/T=1 (and GET RESPONSE where the reader driver does). */
  async transmit(command: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    options.signal?.throwIfAborted();
    if (command.length > 5 && SENSITIVE_INS.has(command[1]!)) this.#sensitive = true; // header + Lc, then data (ISO 7816-4 §5.1)
    const protocol = this.protocol;
    const response = await smartCardCall('transmit', () =>
      this.connection.transmit(Uint8Array.from(command), protocol ? { protocol } : {}),
    );
    return new Uint8Array(response);
  }

  /**
   * Runs `work` inside a PC/SC transaction (`startTransaction`), so no other program's commands reach the
   * card in between. The transaction ends with "reset" when `work` sent a command that sets security
   * status, else "leave". `work`'s own error comes out unchanged.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    const before = this.#sensitive;
    await smartCardCall('startTransaction', () =>
      this.connection.startTransaction(async () => {
        this.#sensitive = false;
        try {
          outcome = { ok: true, value: await work() };
        } catch (error) {
          outcome = { ok: false, error };
        }
        const disposition = this.#sensitive ? 'reset' : 'leave';
        this.#sensitive = this.#sensitive ? false : before; // a reset card holds no security status
        return disposition;
      }),
    ).catch((e: unknown) => {
      if (!outcome) throw e; // the transaction never started
    });
    if (!outcome) throw new Error('startTransaction settled without running the transaction');
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** Disconnects, resetting the card if security status is still set. Idempotent; a card already gone is not an error. */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.connection.disconnect(this.#sensitive ? 'reset' : 'leave').catch(() => undefined);
  }
}
