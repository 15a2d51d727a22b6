/**
 * The reader picker and card panel state: which readers exist, which one is open, whether a card is in
 * it, and the card's ATR. Opening a reader claims it; a card is powered as soon as it is present.
 * A reader is a USB one (WebUSB, or the demo's virtual reader) or one behind the local PC/SC bridge;
 * `card` is the card in whichever is open, so the pages above do not care which.
 */
import { AppError, toAppError } from '../app-error';
import {
  bridgeCardInfo,
  chooseUsbReader,
  createDemoVirtualReader,
  grantedUsbReaders,
  ReaderConnection,
  watchUsbReaders,
  type BridgeReader,
  type CardInfo,
  type ReaderChoice,
  type VirtualReaderChoice,
} from '../workflows/readers';
import { BridgeReaderState } from './bridge-readers.svelte';
import { runGuarded } from './guarded';

/** How the app starts the reader state. */
export interface ReaderStartOptions {
  /** Builds the demo's virtual reader. */
  readonly demo: boolean;
  /** The local PC/SC bridge's port when the deployment names one (default 35990). */
  readonly pcscBridgePort?: number;
  /** The serial of the demo virtual reader's first card (the demo page's `?demo-card-serial=`). */
  readonly demoCardSerial?: number;
}

/** Reactive reader state; one instance for the app. */
export class ReaderState {
  choices = $state.raw<readonly ReaderChoice[]>([]);
  selectedId = $state<string | null>(null);
  connection = $state.raw<ReaderConnection | null>(null);
  present = $state<boolean | null>(null);
  /** The card in the open reader, powered; null when there is none. */
  get card(): CardInfo | null {
    return this.#card;
  }
  busy = $state(false);
  error = $state.raw<AppError | null>(null);
  virtual = $state.raw<VirtualReaderChoice | null>(null);
  /** The bridge reader that is open, if the open reader is one. */
  bridgeReader = $state<string | null>(null);
  readonly bridge = new BridgeReaderState((readers) => this.#bridgeReadersChanged(readers));
  #card = $state.raw<CardInfo | null>(null);
  #cardListeners: (() => void)[] = [];
  #stopPresence: (() => void) | null = null;
  #started = false;

  /** Lists readers (and builds the demo's virtual reader when `demo`), then follows USB plug events. */
  async start({ demo, pcscBridgePort, demoCardSerial }: ReaderStartOptions): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    if (pcscBridgePort) this.bridge.url = `ws://127.0.0.1:${pcscBridgePort}`;
    if (demo) {
      this.virtual = await createDemoVirtualReader(demoCardSerial);
    }
    watchUsbReaders(() => void this.refresh());
    await this.refresh();
    await this.bridge.resume();
  }

  /** Re-reads the granted USB readers. It leaves `busy` and `error` alone: a plug event or the start-up
   * listing must not hide the outcome of what the operator just did. */
  async refresh(): Promise<void> {
    try {
      const usb = await grantedUsbReaders();
      this.choices = this.virtual ? [this.virtual, ...usb] : usb;
    } catch (e) {
      this.error = toAppError(e);
    }
  }

  /** Shows Chrome's device chooser, then opens the chosen reader. */
  async requestUsbReader(): Promise<void> {
    await this.#run(async () => {
      const choice = await chooseUsbReader();
      if (!this.choices.some((c) => c.id === choice.id)) this.choices = [...this.choices, choice];
      await this.#open(choice);
    });
  }

  /** Opens the reader with `id`. */
  async select(id: string): Promise<void> {
    const choice = this.choices.find((c) => c.id === id);
    if (choice) await this.#run(() => this.#open(choice));
  }

  /** Opens the card in the bridge reader `name`, closing any USB reader. */
  async useBridgeReader(name: string): Promise<void> {
    await this.#run(async () => {
      await this.#close();
      this.selectedId = null;
      this.bridgeReader = name;
      await this.#presenceChanged(this.bridge.readers.some((r) => r.name === name && r.present));
    });
  }

  /** Closes the bridge (and the card opened through it) and stops reconnecting to it at start. */
  async disconnectBridge(): Promise<void> {
    if (this.bridgeReader) await this.#close();
    this.bridge.disconnect();
  }

  /** Calls `listener` whenever the card in the open reader changes (put in, taken out, another reader). */
  onCardChange(listener: () => void): void {
    this.#cardListeners.push(listener);
  }

  /** Demo only: a fresh blank card into the virtual reader. */
  async insertVirtualCard(): Promise<void> {
    await this.virtual?.insertBlankCard();
  }

  /** Demo only: pull the card from the virtual reader. */
  removeVirtualCard(): void {
    this.virtual?.removeCard();
  }

  async #open(choice: ReaderChoice): Promise<void> {
    await this.#close();
    this.selectedId = choice.id;
    const connection = await ReaderConnection.open(choice);
    this.connection = connection;
    this.#stopPresence = connection.onPresence((slot, present) => {
      if (slot === 0) void this.#presenceChanged(present);
    });
    await this.#presenceChanged(connection.present(0) === true);
  }

  async #presenceChanged(present: boolean): Promise<void> {
    this.present = present;
    const previous = this.card;
    this.#setCard(null);
    await previous?.transport.close().catch(() => undefined);
    if (!present) return;
    const { connection, bridgeReader } = this;
    if (connection) await this.#run(async () => this.#setCard(await connection.readCard(0)));
    else if (bridgeReader)
      await this.#run(async () => this.#setCard(bridgeCardInfo(await this.bridge.openCard(bridgeReader))));
  }

  /** Follows the bridge's reader events for the open bridge reader (a reader that vanished holds no card). */
  #bridgeReadersChanged(readers: readonly BridgeReader[]): void {
    if (!this.bridgeReader) return;
    const present = readers.some((r) => r.name === this.bridgeReader && r.present);
    if (present !== this.present) void this.#presenceChanged(present);
  }

  async #close(): Promise<void> {
    this.#stopPresence?.();
    this.#stopPresence = null;
    await this.card?.transport.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    this.#setCard(null);
    this.connection = null;
    this.bridgeReader = null;
    this.present = null;
  }

  #setCard(card: CardInfo | null): void {
    if (card === this.#card) return;
    this.#card = card;
    for (const listener of this.#cardListeners) listener();
  }

  #run(work: () => Promise<unknown>): Promise<void> {
    return runGuarded(this, work);
  }
}
